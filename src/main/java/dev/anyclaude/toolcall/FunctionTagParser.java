package dev.anyclaude.toolcall;

import java.util.List;

/** The streaming parser of the {@code <function=NAME><parameter=P>} families (Qwen3-Coder, Seed-OSS): one call per region. */
final class FunctionTagParser extends RegionParser {
    private final String wrapOpen;
    private final String wrapClose;

    FunctionTagParser(List<String> openers, Reasoning reasoning, String wrapOpen, String wrapClose) {
        super(openers, reasoning);
        this.wrapOpen = wrapOpen;
        this.wrapClose = wrapClose;
    }

    @Override
    protected ToolCallFormat.Claim accepts(String region, String opener, boolean atEnd) {
        return FunctionTagScanner.claim(region, wrapOpen, wrapClose, atEnd);
    }

    @Override
    protected RegionScan scan(String opener) {
        FunctionTagScanner scanner = new FunctionTagScanner(wrapOpen, wrapClose);
        return region -> scanner.advance(region, false);
    }

    @Override
    protected List<Piece.Call> parseRegion(String region, String opener, boolean atEnd) {
        FunctionTagScanner scanner = new FunctionTagScanner(wrapOpen, wrapClose);
        scanner.advance(region, true);
        Piece.Call call = scanner.call(region);
        return call == null ? failure(scanner.failure()) : List.of(call);
    }
}
