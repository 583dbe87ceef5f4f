// `mem fix record`, `fix similar`, `fix context`: end to end through the built CLI.
import Database from 'better-sqlite3';
import { existsSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { issueSignature } from '../src/fixes/signature.js';
import { aiAttempt, sandbox, type Sandbox } from './helpers.js';

let box: Sandbox;
beforeEach(() => (box = sandbox()));
afterEach(() => box.cleanup());

const count = (db: string, table = 'fix_attempts') => {
  if (!existsSync(db)) return 0;
  const d = new Database(db, { readonly: true });
  const n = (d.prepare(`SELECT COUNT(*) AS n FROM ${table}`).get() as { n: number }).n;
  d.close();
  return n;
};

describe('fix record', () => {
  it('records from flags and prints id and signature', () => {
    const r = box.mem(['fix', 'record', '--model', 'qwen2:7b', '--issue-type', 'no_output', '--test-prompt', 'ping', '--fix-command', 'ollama rm qwen2:7b', '--fix-command', 'ollama pull qwen2:7b', '--failure', '--fixer-type', 'qwen', '--execution-time', '3.5', '--json']);
    expect(r.code, r.stderr).toBe(0);
    const out = r.json();
    expect(out).toEqual({ id: 1, issue_signature: issueSignature({ issue_type: 'NO_OUTPUT', model: 'qwen2:7b', test_prompt: 'ping', actual_response: '' }), created: true });
    expect(out.issue_signature).toMatch(/^[0-9a-f]{16}$/);
    const human = box.mem(['fix', 'record', '--model', 'qwen2:7b', '--issue-type', 'NO_OUTPUT', '--test-prompt', 'ping', '--success']);
    expect(human.stdout).toBe(`recorded fix attempt #2 (issue signature ${out.issue_signature})\n`);
  });

  it('records the object an AI fixer produces, from a file or stdin', () => {
    const file = join(box.dir, 'a.json');
    writeFileSync(file, JSON.stringify(aiAttempt(), null, 2));
    const r = box.mem(['fix', 'record', '--from-json', file, '--json']);
    expect(r.code, r.stderr).toBe(0);
    expect(Object.keys(r.json())).toEqual(['id', 'issue_signature', 'created']);
    const s = box.mem(['fix', 'record', '--from-json', '-', '--json'], { input: JSON.stringify(aiAttempt({ fix_success: false })) });
    expect(s.json().id).toBe(2);
    expect(s.json().issue_signature).toBe(r.json().issue_signature);
  });

  it('bulk JSON Lines: stores the good lines in one go, reports bad ones by line number, exits 2', () => {
    const lines = [
      JSON.stringify(aiAttempt()),
      '{not json',
      JSON.stringify(aiAttempt({ issue_data: { model: undefined } })),
      JSON.stringify(aiAttempt({ fix_success: 'yes' })),
      JSON.stringify(aiAttempt({ issue_data: { issue_type: 'ERROR' } })),
    ].join('\n');
    const r = box.mem(['fix', 'record', '--from-json', '-', '--json'], { input: lines });
    expect(r.code).toBe(2);
    const out = r.stdout.trim().split('\n').map((l) => JSON.parse(l));
    expect(out).toHaveLength(6);
    expect(out[0]).toMatchObject({ line: 1, id: 1 });
    expect(out[1]).toMatchObject({ line: 2, error: expect.stringMatching(/^line 2: malformed JSON/) });
    expect(out[2].error).toMatch(/line 3, field 'issue_data.model': is required/);
    expect(out[3].error).toMatch(/line 4, field 'fix_success': must be true or false/);
    expect(out[4]).toMatchObject({ line: 5, id: 2 });
    expect(out[5]).toEqual({ summary: { recorded: 2, failed: 3, total: 5 } });
    expect(count(box.db)).toBe(2);
  });

  it.each([
    [['fix', 'record', '--issue-type', 'TIMEOUT', '--success'], /--model is required/],
    [['fix', 'record', '--model', 'm', '--issue-type', 'TIMEOUT'], /--outcome success or --outcome failure/],
    [['fix', 'record', '--model', 'm', '--issue-type', 'T', '--success', '--confidence', '7'], /--confidence must be between 0 and 1/],
    [['fix', 'record', '--model', 'm', '--issue-type', 'T', '--success', '--system-info', '{bad'], /--system-info is not valid JSON/],
    [['fix', 'record', '--model', 'm', '--issue-type', 'T', '--success', '--bogus'], /unknown option '--bogus'/],
    [['fix', 'record', '--model', 'm', '--issue-type', 'T', '--success', '--description', 'x'.repeat(50_001)], /--description is 50001 characters; the limit is 50000/],
    [['fix', 'record', '--from-json', '/nonexistent/file.json'], /cannot read \/nonexistent\/file.json: no such file/],
    [['fix', 'frobnicate'], /unknown command 'frobnicate'/],
  ])('rejects bad input %j with exit 2, one line, nothing written', (args, message) => {
    const r = box.mem(args);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(message);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toMatch(/^mem: /);
    expect(r.stdout).toBe('');
  });

  it.each([
    ['malformed JSON', '{"issue_data": '],
    ['oversize analysis', JSON.stringify(aiAttempt({ ai_response: { analysis: 'a'.repeat(50_001) } }))],
    ['too many commands', JSON.stringify(aiAttempt({ ai_response: { fix_commands: Array(1001).fill('x') } }))],
    ['missing issue type', JSON.stringify(aiAttempt({ issue_data: { issue_type: undefined } }))],
    ['wrong type', JSON.stringify(aiAttempt({ execution_time: 'fast' }))],
  ])('single JSON object with %s: exit 2 and nothing written', (_name, input) => {
    const r = box.mem(['fix', 'record', '--from-json', '-'], { input });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^mem: .+\n$/);
    expect(count(box.db)).toBe(0);
  });

  it('errors are JSON on stderr with --json', () => {
    const r = box.mem(['fix', 'record', '--from-json', '-', '--json'], { input: '[1' });
    expect(r.code).toBe(2);
    expect(JSON.parse(r.stderr)).toMatchObject({ error: { code: 'bad_input', exit_code: 2 } });
  });

  it('redacts secrets in every text field before storing', () => {
    const token = 'ghp_' + 'A1b2'.repeat(9);
    const attempt = aiAttempt({
      issue_data: { description: `auth failed with ${token}` },
      ai_response: { analysis: 'used password=hunter2', fix_commands: [`export GITHUB_TOKEN=${token}`, 'curl https://bob:pw123@example.com/x'] },
      notes: `token ${token}`,
    });
    expect(box.mem(['fix', 'record', '--from-json', '-'], { input: JSON.stringify(attempt) }).code).toBe(0);
    const raw = new Database(box.db, { readonly: true }).prepare('SELECT * FROM fix_attempts').get() as Record<string, string>;
    const all = JSON.stringify(raw);
    expect(all).not.toContain(token);
    expect(all).not.toContain('hunter2');
    expect(all).not.toContain('pw123');
    expect(raw.fix_commands).toContain('export GITHUB_TOKEN=');
    expect(raw.fix_commands).toContain('https://bob:');
  });

  it('creates the store directory 0700 and the file 0600', () => {
    box.mem(['fix', 'record', '--model', 'm', '--issue-type', 'T', '--success']);
    expect(statSync(join(box.dir, 'data')).mode & 0o777).toBe(0o700);
    expect(statSync(box.db).mode & 0o777).toBe(0o600);
  });
});

describe('issue signature', () => {
  const base = { issue_type: 'TIMEOUT', model: 'llama3:8b', test_prompt: 'Say hello', actual_response: '' };
  it.each([
    ['same model family (tag after ":")', { model: 'llama3:70b' }, true],
    ['issue type case', { issue_type: 'timeout' }, true],
    ['prompt beyond 50 characters', { test_prompt: 'Say hello' + ' '.repeat(41) + 'A', actual_response: '' }, false],
    ['another family', { model: 'qwen2:7b' }, false],
    ['another type', { issue_type: 'ERROR' }, false],
    ['another response length category', { actual_response: 'x'.repeat(150) }, false],
    ['empty vs short response', { actual_response: 'short answer' }, false],
  ])('%s', (_n, change, same) => {
    expect(issueSignature(base)).toBe(issueSignature({ ...base }));
    expect(issueSignature({ ...base, ...change }) === issueSignature(base)).toBe(same);
  });

  it('only the first 50 characters of the prompt count', () => {
    const long = 'p'.repeat(50);
    expect(issueSignature({ ...base, test_prompt: long + 'A' })).toBe(issueSignature({ ...base, test_prompt: long + 'B' }));
  });
});
