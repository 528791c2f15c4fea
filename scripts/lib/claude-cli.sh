# shellcheck shell=bash
# Sourced by ./run-tests and .ci/run: installs the pinned Claude Code CLI into .tools/ (git-ignored) when it
# is missing or another version, and exports ANYCLAUDE_CLAUDE_BIN for the end-to-end tests.
# Usage: . scripts/lib/claude-cli.sh && anyclaude_install_claude "$repo_root"

ANYCLAUDE_CLAUDE_CODE_VERSION="2.1.328"

# Prints the version the CLI at $1 reports, without letting it phone home.
anyclaude_claude_version() {
    env CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC=1 DISABLE_AUTOUPDATER=1 \
        timeout 60 "$1" --version 2>/dev/null | awk 'NR == 1 { print $1 }'
}

anyclaude_install_claude() {
    local root="$1" bin
    bin="$root/.tools/node_modules/.bin/claude"
    if [ -x "$bin" ] && [ "$(anyclaude_claude_version "$bin")" = "$ANYCLAUDE_CLAUDE_CODE_VERSION" ]; then
        export ANYCLAUDE_CLAUDE_BIN="$bin"
        return 0
    fi
    if ! command -v npm >/dev/null 2>&1; then
        echo "npm is needed to install the Claude Code CLI for the end-to-end tests; install Node.js and npm" >&2
        return 1
    fi
    echo "Installing @anthropic-ai/claude-code@$ANYCLAUDE_CLAUDE_CODE_VERSION into .tools/" >&2
    mkdir -p "$root/.tools"
    npm install --no-audit --no-fund --save-exact --prefix "$root/.tools" \
        "@anthropic-ai/claude-code@$ANYCLAUDE_CLAUDE_CODE_VERSION" >&2
    if [ "$(anyclaude_claude_version "$bin")" != "$ANYCLAUDE_CLAUDE_CODE_VERSION" ]; then
        # npm may skip install scripts; the package's own postinstall puts the native binary in place.
        (cd "$root/.tools/node_modules/@anthropic-ai/claude-code" && node install.cjs) >&2 || true
    fi
    local got
    got="$(anyclaude_claude_version "$bin")"
    if [ "$got" != "$ANYCLAUDE_CLAUDE_CODE_VERSION" ]; then
        echo "Claude Code CLI at $bin reports version '${got:-none}', expected $ANYCLAUDE_CLAUDE_CODE_VERSION" >&2
        return 1
    fi
    export ANYCLAUDE_CLAUDE_BIN="$bin"
}
