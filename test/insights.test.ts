// Similar issues, context, stats, patterns, model, recent, successful: JSON shapes and the numbers.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { aiAttempt, jsonl, sandbox, type Sandbox } from './helpers.js';

let box: Sandbox;
const now = Date.now();
const daysAgo = (d: number) => new Date(now - d * 86_400_000).toISOString();

beforeAll(() => {
  box = sandbox();
  const attempts = [
    // the same issue on llama3 (8b and 70b share a family), fixed twice by pulling, once not
    aiAttempt({ timestamp: daysAgo(3) }),
    aiAttempt({ timestamp: daysAgo(2), issue_data: { model: 'llama3:70b' } }),
    aiAttempt({ timestamp: daysAgo(1), fix_success: false, ai_response: { fix_commands: ['systemctl restart ollama'], analysis: 'daemon hung' } }),
    // same model and type, other prompt
    aiAttempt({ timestamp: daysAgo(1), issue_data: { test_prompt: 'Count to ten' }, ai_response: { fix_commands: ['ollama pull llama3:8b'] } }),
    // same type, other model
    aiAttempt({ timestamp: daysAgo(10), issue_data: { model: 'qwen2:7b' }, fixer_type: 'qwen', ai_response: { fix_commands: ['OLLAMA_KEEP_ALIVE=10m ollama serve'] } }),
    // another type
    aiAttempt({ timestamp: daysAgo(40), issue_data: { issue_type: 'MODEL_NOT_AVAILABLE' }, fixer_type: 'human', execution_time: 60 }),
  ];
  const r = box.mem(['fix', 'record', '--from-json', '-', '--json'], { input: jsonl(attempts) });
  if (r.code !== 0) throw new Error(r.stderr);
});
afterAll(() => box.cleanup());

describe('fix similar', () => {
  it('returns three disjoint lists, successful and newest first', () => {
    const r = box.mem(['fix', 'similar', '--model', 'llama3:8b', '--issue-type', 'timeout', '--test-prompt', 'Say hello', '--json']);
    expect(r.code, r.stderr).toBe(0);
    const s = r.json();
    expect(Object.keys(s)).toEqual(['exact_matches', 'model_matches', 'type_matches']);
    expect(s.exact_matches.map((a: any) => [a.model, a.fix_success])).toEqual([
      ['llama3:70b', true],
      ['llama3:8b', true],
      ['llama3:8b', false],
    ]);
    expect(s.model_matches.map((a: any) => a.test_prompt)).toEqual(['Count to ten']);
    expect(s.type_matches.map((a: any) => a.model)).toEqual(['qwen2:7b']);
    expect(s.exact_matches[0]).toMatchObject({ issue_type: 'TIMEOUT', fixer_type: 'claude', fix_commands: ['ollama pull llama3:8b'], system_info: { os: 'linux' } });
  });

  it('takes the issue from --from-json and honours --limit', () => {
    const r = box.mem(['fix', 'similar', '--from-json', '-', '--limit', '1', '--json'], { input: JSON.stringify(aiAttempt()) });
    expect(r.json().exact_matches).toHaveLength(1);
  });

  it('needs an issue type', () => {
    const r = box.mem(['fix', 'similar', '--model', 'x']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/issue type is required/);
  });
});

describe('fix context', () => {
  it('gives history, what worked and failed, rates and strategies', () => {
    const r = box.mem(['fix', 'context', '--model', 'llama3:8b', '--issue-type', 'TIMEOUT', '--test-prompt', 'Say hello', '--json']);
    expect(r.code, r.stderr).toBe(0);
    const c = r.json();
    expect(c.issue).toMatchObject({ model: 'llama3:8b', model_family: 'llama3', issue_type: 'TIMEOUT' });
    expect(c.model_history).toMatchObject({ total_tests: 4, successes: 3 });
    expect(c.model_history.common_issues[0]).toMatchObject({ issue_type: 'TIMEOUT', occurrences: 3 });
    expect(c.pattern).toMatchObject({ attempts: 3, success_count: 2, failure_count: 1, best_fix: ['ollama pull llama3:8b'], confidence: 0.3 });
    expect(c.what_worked.map((o: any) => o.fix_commands)).toEqual([['ollama pull llama3:8b'], ['OLLAMA_KEEP_ALIVE=10m ollama serve']]);
    expect(c.what_failed.map((o: any) => o.fix_commands)).toEqual([['systemctl restart ollama']]);
    expect(c.success_rates.this_issue).toBeCloseTo(2 / 3);
    expect(c.strategies[0]).toMatchObject({ fix_commands: ['ollama pull llama3:8b'], successes: 3, failures: 0 });
  });

  it('prints a block ready to paste into a prompt', () => {
    const r = box.mem(['fix', 'context', '--model', 'llama3:8b', '--issue-type', 'TIMEOUT', '--test-prompt', 'Say hello']);
    expect(r.stdout).toContain('## Fix history from mem: TIMEOUT on llama3:8b');
    expect(r.stdout).toContain('Best known fix: `ollama pull llama3:8b`');
    expect(r.stdout).toContain('### What failed before');
    expect(r.stdout).toContain('`systemctl restart ollama`');
    expect(r.stdout).not.toMatch(/\x1b\[/);
  });

  it('works for an issue never seen before', () => {
    const r = box.mem(['fix', 'context', '--model', 'new-model', '--issue-type', 'NEW_KIND', '--json']);
    expect(r.code).toBe(0);
    expect(r.json()).toMatchObject({ model_history: null, pattern: null, what_worked: [], what_failed: [], strategies: [] });
  });
});

describe('stats', () => {
  it('has exactly the documented keys in fixes, and the breakdowns', () => {
    const st = box.mem(['stats', '--json']).json();
    expect(Object.keys(st.fixes)).toEqual([
      'total_fixes_attempted', 'successful_fixes', 'success_rate', 'models_encountered', 'issue_types_seen',
      'recent_activity_7days', 'knowledge_base_size', 'memory_directory',
    ]);
    expect(st.fixes).toMatchObject({ total_fixes_attempted: 6, successful_fixes: 5, models_encountered: 3, issue_types_seen: 2, recent_activity_7days: 4, knowledge_base_size: 4 });
    expect(st.fixes.success_rate).toBeCloseTo(5 / 6);
    expect(st.fixes.memory_directory).toBe(`${box.dir}/data`);
    expect(st.by_fixer_type).toContainEqual({ fixer_type: 'claude', attempts: 4, successes: 3, success_rate: 0.75 });
    expect(st.by_issue_type).toContainEqual({ issue_type: 'MODEL_NOT_AVAILABLE', occurrences: 1, avg_fix_time: 60, success_rate: 1 });
    expect(st.daily_trend).toHaveLength(30);
    expect(st.daily_trend.reduce((a: number, d: any) => a + d.attempts, 0)).toBe(5);
  });

  it('draws bars and a sparkline for people, without colour when not a TTY', () => {
    const r = box.mem(['stats']);
    expect(r.stdout).toMatch(/last 30 days [ ▁▂▃▄▅▆▇█]+/);
    expect(r.stdout).toMatch(/claude\s+█+/);
    expect(r.stdout).not.toMatch(/\x1b\[/);
  });
});

describe('patterns, model, recent, successful', () => {
  it('fix patterns: recurring issues with rates and confidence (mem patterns, the old spelling, is the same)', () => {
    const p = box.mem(['fix', 'patterns', '--json']).json().patterns;
    expect(box.mem(['patterns', '--json']).json().patterns).toEqual(p);
    expect(p[0]).toMatchObject({ issue_type: 'TIMEOUT', model_family: 'llama3', attempts: 3, success_count: 2, confidence: 0.3, best_fix: ['ollama pull llama3:8b'] });
    expect(box.mem(['fix', 'patterns', '--min-attempts', '2', '--json']).json().patterns).toHaveLength(1);
  });

  it('model: insights and recent history; unknown model is a clear error', () => {
    const m = box.mem(['model', 'llama3:8b', '--json']).json();
    expect(m).toMatchObject({ model: 'llama3:8b', total_tests: 4, success_rate: 0.75 });
    expect(m.effective_fixes[0]).toMatchObject({ fix_commands: ['ollama pull llama3:8b'], successes: 3 });
    expect(m.recent).toHaveLength(4);
    const bad = box.mem(['model', 'nope']);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toMatch(/^mem: no fix attempts recorded for model 'nope'/);
  });

  it('recent: default 7 days, or N days', () => {
    expect(box.mem(['recent', '--json']).json().attempts).toHaveLength(4);
    expect(box.mem(['recent', '30', '--json']).json().attempts).toHaveLength(5);
    expect(box.mem(['recent', 'x']).code).toBe(2);
  });

  it('successful: effective strategies by issue type', () => {
    const s = box.mem(['successful', '--json']).json().issue_types;
    const timeout = s.find((t: any) => t.issue_type === 'TIMEOUT');
    expect(timeout.strategies[0]).toMatchObject({ fix_commands: ['ollama pull llama3:8b'], successes: 3, failures: 0, success_rate: 1 });
  });

});
