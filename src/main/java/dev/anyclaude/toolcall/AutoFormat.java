package dev.anyclaude.toolcall;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Consumer;

/**
 * {@code auto}: the format is not known in advance, so it is recognised from the first call the model
 * writes. Until then the parser passes text on, holding back only a suffix that could start an opener
 * of any known format, and splits {@code <think>} reasoning itself. At the first opener every format
 * that has it is asked whether it {@link ToolCallFormat#claims claims} the text: in the order the formats
 * are given, the first YES wins once every format before it has said NO (a MAYBE waits for more text,
 * so the choice does not depend on how the text was split). A fresh parser of the winner then continues
 * from the opener, inside reasoning if the opener came inside reasoning. An opener no format claims is
 * text, and so is one in a code fence or right after a backtick: prose about a marker.
 */
public final class AutoFormat implements ToolCallFormat {
    private static final Logger LOG = LoggerFactory.getLogger(AutoFormat.class);

    static final String THINK_OPEN = "<think>";
    static final String THINK_CLOSE = "</think>";
    static final String FENCE = "```";
    /** A format still undecided after this much text from its opener is taken to decline it. */
    static final int MAX_UNDECIDED = 8 * 1024;

    private record Candidate(ToolCallFormat format, List<String> openers) {
    }

    private record Decision(Claim claim, ToolCallFormat format) {
    }

    private static final Decision NO = new Decision(Claim.NO, null);
    private static final Decision MAYBE = new Decision(Claim.MAYBE, null);

    private final List<Candidate> candidates;
    private final List<String> openers;
    private final MarkerSet text;
    private final MarkerSet thinking;
    private final MarkerSet reasoning;
    private final MarkerSet fenceOnly;
    private final MarkerSet fenceOrClose;

    /** @param formats the formats to recognise, in order of precedence */
    public AutoFormat(List<ToolCallFormat> formats) {
        List<Candidate> list = new ArrayList<>();
        Set<String> all = new LinkedHashSet<>();
        for (ToolCallFormat format : formats) {
            List<String> own = List.copyOf(format.openers());
            list.add(new Candidate(format, own));
            all.addAll(own);
        }
        candidates = List.copyOf(list);
        openers = List.copyOf(all);
        text = new MarkerSet(with(all, FENCE, THINK_OPEN, THINK_CLOSE));
        thinking = new MarkerSet(with(all, FENCE, THINK_CLOSE));
        reasoning = new MarkerSet(with(all, FENCE));
        fenceOnly = new MarkerSet(List.of(FENCE));
        fenceOrClose = new MarkerSet(List.of(FENCE, THINK_CLOSE));
    }

    private static List<String> with(Set<String> openers, String... more) {
        List<String> markers = new ArrayList<>(openers);
        markers.addAll(List.of(more));
        return markers;
    }

    @Override
    public String name() {
        return FormatRegistry.AUTO;
    }

    @Override
    public FormatParser newParser() {
        return new Sniffer();
    }

    @Override
    public List<String> openers() {
        return openers;
    }

    @Override
    public Claim claims(String fromOpener) {
        return decide(fromOpener, false).claim();
    }

    /** Which format claims {@code region} (text from an opener on), by the rule in the class comment. */
    private Decision decide(String region, boolean atEnd) {
        for (Candidate candidate : candidates) {
            Claim claim = claimOf(candidate, region, atEnd);
            if (claim == Claim.YES) {
                return new Decision(Claim.YES, candidate.format());
            }
            if (claim == Claim.MAYBE) {
                return MAYBE;
            }
        }
        return NO;
    }

    private static Claim claimOf(Candidate candidate, String region, boolean atEnd) {
        boolean opened = false;
        boolean partial = false;
        for (String opener : candidate.openers()) {
            if (region.startsWith(opener)) {
                opened = true;
            } else if (opener.startsWith(region)) {
                partial = true; // a longer opener of this format may still be arriving
            }
        }
        if (!opened) {
            return partial && !atEnd ? Claim.MAYBE : Claim.NO;
        }
        Claim claim;
        try {
            claim = candidate.format().claims(region);
        } catch (RuntimeException e) {
            LOG.warn("format {} failed to judge a possible tool call; taken as not its own: {}",
                    candidate.format().name(), e.toString());
            return Claim.NO;
        }
        return claim == Claim.MAYBE && atEnd ? Claim.NO : claim;
    }

    /** One response: sniffs until a format is chosen, then hands everything to that format's parser. */
    private final class Sniffer implements FormatParser {
        private final Channel visible = new Channel(false);
        private final Channel upstreamReasoning = new Channel(true);
        private FormatParser chosen;

        @Override
        public void feed(String text, Consumer<Piece> out) {
            if (chosen != null) {
                chosen.feed(text, out);
            } else {
                visible.feed(text, out);
            }
        }

        @Override
        public void feedReasoning(String text, Consumer<Piece> out) {
            if (chosen != null) {
                chosen.feedReasoning(text, out);
            } else {
                upstreamReasoning.feed(text, out);
            }
        }

        @Override
        public void finish(Consumer<Piece> out) {
            if (chosen == null) {
                upstreamReasoning.finish(out);
            }
            if (chosen == null) {
                visible.finish(out);
            }
            if (chosen != null) {
                chosen.finish(out);
            }
        }

        private void choose(ToolCallFormat format, Channel trigger, Consumer<Piece> out) {
            chosen = format.newParser();
            LOG.debug("auto: the output writes tool calls in the {} format", format.name());
            // Text the other channel held came earlier than the opener; the parser gets it first.
            handOver(trigger == visible ? upstreamReasoning : visible, out);
            handOver(trigger, out);
        }

        private void handOver(Channel channel, Consumer<Piece> out) {
            String held = channel.buf.toString();
            channel.buf.setLength(0);
            if (channel.upstreamReasoning) {
                if (!held.isEmpty()) {
                    chosen.feedReasoning(held, out);
                }
                return;
            }
            if (channel.touched) {
                if (channel.thinking) {
                    ParserResume.inReasoning(chosen);
                } else {
                    ParserResume.inText(chosen);
                }
            }
            if (!held.isEmpty()) {
                chosen.feed(held, out);
            }
        }

        /** The visible text or the reasoning the upstream split off: each has its own position. */
        private final class Channel {
            final boolean upstreamReasoning;
            final StringBuilder buf = new StringBuilder();
            boolean touched;
            boolean thinking;
            boolean inFence;
            boolean lastBacktick;
            boolean skipWhitespace;

            Channel(boolean upstreamReasoning) {
                this.upstreamReasoning = upstreamReasoning;
            }

            void feed(String text, Consumer<Piece> out) {
                if (text.isEmpty()) {
                    return;
                }
                touched = true;
                if (buf.isEmpty() && !skipWhitespace) {
                    // Most chunks: no marker in them (openers such as functools or to=functions. start with
                    // common letters, so look for whole markers), at most a possible start at the end.
                    MarkerSet markers = markers();
                    if (!markers.mayContain(text)) {
                        emit(text, out);
                        return;
                    }
                    if (markers.earliest(text, 0) == null) {
                        int safe = markers.safeLength(text);
                        emit(safe == text.length() ? text : text.substring(0, safe), out);
                        buf.append(text, safe, text.length());
                        return;
                    }
                }
                buf.append(text);
                scan(out, false);
            }

            void finish(Consumer<Piece> out) {
                scan(out, true);
                if (chosen == null) {
                    emit(buf.toString(), out);
                    buf.setLength(0);
                }
            }

            private MarkerSet markers() {
                if (upstreamReasoning) {
                    return inFence ? fenceOnly : reasoning;
                }
                if (thinking) {
                    return inFence ? fenceOrClose : AutoFormat.this.thinking;
                }
                return inFence ? fenceOnly : text;
            }

            private void scan(Consumer<Piece> out, boolean atEnd) {
                while (chosen == null) {
                    if (skipWhitespace) {
                        int i = 0;
                        while (i < buf.length() && Character.isWhitespace(buf.charAt(i))) {
                            i++;
                        }
                        buf.delete(0, i);
                        if (buf.isEmpty()) {
                            return;
                        }
                        skipWhitespace = false;
                    }
                    MarkerSet markers = markers();
                    Markers.Match match = markers.earliest(buf, 0);
                    if (match == null) {
                        if (!atEnd) {
                            int safe = markers.safeLength(buf);
                            emit(buf.substring(0, safe), out);
                            buf.delete(0, safe);
                        }
                        return;
                    }
                    String marker = match.marker();
                    if (marker.equals(FENCE)) {
                        inFence = !inFence;
                        emit(buf.substring(0, match.end()), out);
                        buf.delete(0, match.end());
                        continue;
                    }
                    emit(buf.substring(0, match.index()), out);
                    buf.delete(0, match.index());
                    if (!upstreamReasoning && marker.equals(THINK_OPEN)) {
                        buf.delete(0, marker.length());
                        thinking = true;
                        inFence = false;
                        lastBacktick = false;
                        continue;
                    }
                    if (!upstreamReasoning && marker.equals(THINK_CLOSE)) {
                        // also a bare close: reasoning the template opened, already gone out as text
                        buf.delete(0, marker.length());
                        thinking = false;
                        inFence = false;
                        lastBacktick = false;
                        skipWhitespace = true;
                        continue;
                    }
                    if (lastBacktick) {
                        declined(marker, out);
                        continue;
                    }
                    Decision decision = decide(buf.toString(), atEnd || buf.length() > MAX_UNDECIDED);
                    switch (decision.claim()) {
                        case MAYBE -> {
                            return;
                        }
                        case YES -> {
                            choose(decision.format(), this, out);
                            return;
                        }
                        case NO -> declined(marker, out);
                    }
                }
            }

            /** An opener that is not a call is text; one that starts with a fence (```json) still opens or closes it. */
            private void declined(String marker, Consumer<Piece> out) {
                if (marker.startsWith(FENCE)) {
                    inFence = !inFence;
                }
                emit(marker, out);
                buf.delete(0, marker.length());
            }

            private void emit(String text, Consumer<Piece> out) {
                if (text.isEmpty()) {
                    return;
                }
                lastBacktick = text.charAt(text.length() - 1) == '`';
                out.accept(upstreamReasoning || thinking ? new Piece.Thinking(text) : new Piece.Text(text));
            }
        }
    }
}
