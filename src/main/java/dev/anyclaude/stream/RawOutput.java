package dev.anyclaude.stream;

import dev.anyclaude.api.MessageBuilder;
import dev.anyclaude.api.Tool;
import dev.anyclaude.toolcall.ToolCallFormat;
import tools.jackson.databind.node.ObjectNode;

import java.util.List;
import java.util.function.Supplier;

/**
 * A model's output, as events, turned into the Anthropic message the gateway would answer with: the same
 * {@link TextToolCallFilter}, {@link ResponseAssembler} and {@link MessageBuilder} a request goes through.
 * What {@code anyclaude parse} prints and what the format tests check.
 */
public final class RawOutput {
    private RawOutput() {
    }

    /**
     * @param tools  the tools offered, or null to accept any tool name
     * @param events the output; it should end with a Finish or Failure
     * @return the message ({@code content}, {@code stop_reason}, {@code usage}, ...)
     * @throws dev.anyclaude.api.ApiException when the events end in a failure or do not end
     */
    public static ObjectNode message(ToolCallFormat format, List<Tool> tools, Supplier<String> ids,
                                     List<ModelEvent> events) {
        MessageBuilder builder = new MessageBuilder();
        ResponseAssembler assembler = new ResponseAssembler(builder, "msg_raw_output", "raw-output", 0);
        TextToolCallFilter filter = new TextToolCallFilter(format, tools, ids, assembler);
        events.forEach(filter::accept);
        return builder.message();
    }
}
