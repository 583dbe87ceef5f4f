// `mem import-history` learns what it imported before it returns, so `mem predict` answers from it
// at once (before, a big import was left to a background learner and predict answered nothing for
// seconds); `--no-learn` leaves it to the background.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { sandbox, type Sandbox } from './helpers.js';

let box: Sandbox;
beforeEach(() => (box = sandbox()));
afterEach(() => box.cleanup());

/** A bash history well past what predict learns inline (300): 200 rounds of a four-step cycle. */
function history(): string {
  const file = join(box.dir, 'bash_history');
  const lines: string[] = [];
  for (let i = 0; i < 200; i++) lines.push('cd ~/proj', 'cargo build', 'cargo test', `git commit -m "step ${i}"`);
  writeFileSync(file, lines.join('\n') + '\n');
  return file;
}

describe('import-history then predict', () => {
  it('predict answers at once from the imported history', () => {
    const imp = box.mem(['import-history', '--json', '--shell', 'bash', history()]);
    expect(imp.code, imp.stderr).toBe(0);
    expect(imp.json()).toMatchObject({ added: 800, learned: 800 });
    const r = box.mem(['predict', '--json', '--context', 'cargo build']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.json().learning_backlog).toBe(0);
    expect(r.json().predictions[0].next_command).toBe('cargo test');
    expect(box.mem(['import-history', '--shell', 'bash', history()]).stdout).toMatch(/^imported 0 new commands .*\(bash; 800 entries, 800 already present, 0 filtered\)\n$/);
  });

  it('--no-learn imports without learning: the backlog is left to the background learner', () => {
    const imp = box.mem(['import-history', '--no-learn', '--shell', 'bash', history()]);
    expect(imp.code, imp.stderr).toBe(0);
    expect(imp.stdout).toMatch(/; predictions learn them in the background\n$/);
    const db = box.mem(['import-history', '--json', '--no-learn', '--shell', 'bash', history()]).json();
    expect(db).toMatchObject({ added: 0, learned: 0 });
    const r = box.mem(['predict', '--json', '--context', 'cargo build']);
    expect(r.json().learning_backlog).toBeGreaterThan(0);
  });
});
