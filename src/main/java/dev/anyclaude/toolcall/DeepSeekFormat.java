package dev.anyclaude.toolcall;

import java.util.List;

/**
 * What the DeepSeek families share: a configuration name and a reasoning mode that differ between the
 * plain and the thinking variant (the template opened {@code <think>}), and, for the
 * {@code <｜tool▁calls▁begin｜>} sections of V3 and V3.1, the one parser that reads both call shapes.
 * V3 and V3.1 differ only in their openers and in which call shape {@link #claims} takes for theirs.
 */
abstract class DeepSeekFormat implements ToolCallFormat {

    private final String name;
    final Reasoning reasoning;

    DeepSeekFormat(String name, Reasoning reasoning) {
        this.name = name;
        this.reasoning = reasoning;
    }

    @Override
    public String name() {
        return name;
    }

    /** V3 / R1 and V3.1: {@link DeepSeekCallParser} sections, told apart by the shape after the separator. */
    abstract static class Sections extends DeepSeekFormat {
        private final List<String> openers;
        private final boolean v31;

        Sections(String name, Reasoning reasoning, List<String> openers, boolean v31) {
            super(name, reasoning);
            this.openers = openers;
            this.v31 = v31;
        }

        @Override
        public FormatParser newParser() {
            return LeadingMarkerDropped.whenStartingInside(new DeepSeekCallParser(reasoning), reasoning);
        }

        @Override
        public List<String> openers() {
            return openers;
        }

        @Override
        public Claim claims(String fromOpener) {
            return DeepSeekCallParser.claimShape(fromOpener, openers, v31);
        }
    }
}
