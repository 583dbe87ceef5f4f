// Writes N synthetic fix attempts as JSON Lines (the shape AI fixers produce) to stdout.
// Deterministic: a fixed-seed PRNG, so every run benchmarks the same data.
const n = Number(process.argv[2] ?? 100000);
let seed = 42;
const rnd = () => ((seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648);
const pick = (a) => a[Math.floor(rnd() * a.length)];
const models = ['llama3:8b', 'llama3:70b', 'qwen2:7b', 'qwen2:72b', 'mistral:7b', 'gemma2:9b', 'phi3:mini', 'codellama:13b', 'deepseek-coder:6.7b', 'mixtral:8x7b'];
const types = ['MODEL_NOT_AVAILABLE', 'TIMEOUT', 'UNEXPECTED_RESPONSE', 'NO_OUTPUT', 'ERROR', 'CUSTOM'];
const fixers = ['claude', 'qwen', 'gpt', 'gemini', 'human'];
const prompts = Array.from({ length: 200 }, (_, i) => `Test prompt number ${i}: please answer the question about topic ${i % 37}`);
const fixes = Array.from({ length: 60 }, (_, i) => [`ollama pull model-${i % 10}`, ...(i % 3 ? [`systemctl restart ollama-${i % 7}`] : []), ...(i % 5 ? [] : [`export OLLAMA_TIMEOUT=${i * 10}`])]);
const now = Date.now();
const out = [];
for (let i = 0; i < n; i++) {
  const model = pick(models);
  out.push(JSON.stringify({
    timestamp: new Date(now - Math.floor(rnd() * 90 * 86400000)).toISOString(),
    issue_data: { model, issue_type: pick(types), description: `Issue ${i % 500} observed while testing ${model}`, test_prompt: pick(prompts), actual_response: rnd() < 0.3 ? '' : 'x'.repeat(Math.floor(rnd() * 1500)) },
    ai_response: { analysis: `Analysis ${i % 300}: the model server was probably overloaded or the weights were missing.`, fix_commands: pick(fixes), confidence: Math.round(rnd() * 100) / 100 },
    fix_success: rnd() < 0.65, verification_success: rnd() < 0.6, execution_time: Math.round(rnd() * 1200) / 10,
    fixer_type: pick(fixers), system_info: { os: 'linux', ram: '32G', gpu: 'none' }, notes: '',
  }));
  if (out.length === 5000) { process.stdout.write(out.join('\n') + '\n'); out.length = 0; }
}
if (out.length) process.stdout.write(out.join('\n') + '\n');
