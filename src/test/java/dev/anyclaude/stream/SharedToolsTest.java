package dev.anyclaude.stream;

import dev.anyclaude.api.Json;
import dev.anyclaude.api.Tool;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

class SharedToolsTest {

    private static Tool tool(String name, String description, String property) {
        ObjectNode raw = (ObjectNode) Json.parse(("{\"name\":\"" + name + "\",\"description\":\"" + description
                + "\",\"input_schema\":{\"type\":\"object\",\"properties\":{\"" + property
                + "\":{\"type\":\"integer\"}}}}").getBytes(java.nio.charset.StandardCharsets.UTF_8));
        return new Tool(name, description, raw.get("input_schema"), null, false, raw);
    }

    @Test
    void keepsNamesAndSchemasAndNotDescriptionsOrRawJson() {
        List<Tool> kept = SharedTools.of(List.of(tool("Read", "Reads a file. ".repeat(100), "limit")));
        assertThat(kept).singleElement().satisfies(t -> {
            assertThat(t.name()).isEqualTo("Read");
            assertThat(t.description()).isNull();
            assertThat(t.raw()).isNull();
            assertThat(t.inputSchema().get("properties").get("limit").get("type").asString()).isEqualTo("integer");
            assertThat(t.isCustom()).isTrue();
        });
    }

    @Test
    void requestsOfferingTheSameToolsShareOneListWhateverTheirDescriptions() {
        List<Tool> one = SharedTools.of(List.of(tool("Read", "v1", "limit"), tool("Bash", "runs", "timeout")));
        List<Tool> two = SharedTools.of(List.of(tool("Read", "v2 wording", "limit"), tool("Bash", "runs", "timeout")));
        List<Tool> other = SharedTools.of(List.of(tool("Read", "v1", "offset"), tool("Bash", "runs", "timeout")));
        assertThat(two).isSameAs(one);
        assertThat(other).isNotSameAs(one).isNotEqualTo(one);
        assertThat(SharedTools.of(null)).isNull();
    }

    @Test
    void theSameInstancesAgainAreFoundWithoutHashingOrComparingTheirSchemas() {
        AtomicInteger looks = new AtomicInteger();
        ObjectNode schema = new ObjectNode(JsonNodeFactory.instance) {
            @Override
            public int hashCode() {
                looks.incrementAndGet();
                return super.hashCode();
            }

            @Override
            public boolean equals(Object o) {
                if (o != this) {
                    looks.incrementAndGet();
                }
                return super.equals(o);
            }
        };
        schema.put("type", "object").putObject("properties").putObject("n").put("type", "integer");
        Tool tool = new Tool("Counted" + System.nanoTime(), "d", schema, null, false, null);
        List<Tool> first = SharedTools.of(List.of(tool));
        int afterFirst = looks.get();
        assertThat(afterFirst).as("the first sight hashes the schema").isPositive();

        assertThat(SharedTools.of(List.of(tool))).isSameAs(first);
        assertThat(SharedTools.of(new ArrayList<>(List.of(tool)))).isSameAs(first);
        assertThat(looks).as("schema looks after the first").hasValue(afterFirst);

        // an equal schema in another instance is found by content, and shares the list too
        ObjectNode copy = schema.deepCopy();
        assertThat(SharedTools.of(List.of(new Tool(tool.name(), "other words", copy, null, false, null))))
                .isSameAs(first);
    }

    @Test
    void keepsABoundedNumberOfDistinctLists() {
        List<List<Tool>> lists = new ArrayList<>();
        for (int i = 0; i < SharedTools.KEPT * 3; i++) {
            lists.add(SharedTools.of(List.of(tool("T" + i, "d", "p"))));
            assertThat(SharedTools.kept()).isLessThanOrEqualTo(SharedTools.KEPT);
        }
        assertThat(lists.getLast().getFirst().name()).isEqualTo("T" + (SharedTools.KEPT * 3 - 1));
    }
}
