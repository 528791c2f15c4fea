package dev.anyclaude.toolcall;

import java.util.List;

/** The streaming parser of the {@code <function=NAME><parameter=P>} families (Qwen3-Coder, Seed-OSS): one call per region. */
final class FunctionTagParser extends RegionParser {
    private final String wrapOpen;
    private final String wrapClose;
    private final Scanning.Resume<FunctionTagScanner> resume = new Scanning.Resume<>();

    FunctionTagParser(List<String> openers, Reasoning reasoning, String wrapOpen, String wrapClose) {
        super(openers, reasoning);
        this.wrapOpen = wrapOpen;
        this.wrapClose = wrapClose;
    }

    @Override
    protected ToolCallFormat.Claim accepts(String region, String opener, boolean atEnd) {
        return FunctionTagScanner.claim(region, wrapOpen, wrapClose, atEnd);
    }

    /** Resumes the scanner where the last chunk left it ({@code from} is not needed: the scanner keeps its place). */
    @Override
    protected int regionEnd(String region, String opener, int from) {
        FunctionTagScanner scanner = resume.state(region);
        if (scanner == null) {
            scanner = new FunctionTagScanner(wrapOpen, wrapClose);
        }
        int end = scanner.advance(region, false);
        if (end < 0) {
            resume.remember(region, scanner);
        } else {
            resume.forget();
        }
        return end;
    }

    @Override
    protected List<Piece.Call> parseRegion(String region, String opener, boolean atEnd) {
        FunctionTagScanner scanner = new FunctionTagScanner(wrapOpen, wrapClose);
        scanner.advance(region, true);
        Piece.Call call = scanner.call(region);
        return call == null ? failure(scanner.failure()) : List.of(call);
    }
}
