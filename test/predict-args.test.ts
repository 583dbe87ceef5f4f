// Argument carry-over (args.ts): which words of the previous line a next line may reuse, and how a
// learned pattern is filled again. Table-driven; each case is a transition seen in real histories.
import { describe, expect, it } from 'vitest';
import { abstractArgs, fillArgs } from '../src/predict/args.js';

describe('abstractArgs', () => {
  // previous line, next line, the pattern learned (null: nothing carried over)
  const cases: [string, string, string | null][] = [
    ['mkdir golang', 'cd golang', 'cd $1'],
    ['vim second.pl', 'perl second.pl', 'perl $1'],
    ['git tag v1.0.0', 'git push origin v1.0.0', 'git push origin $2'],
    ['vim make.sh', 'chmod +x make.sh', 'chmod +x $1'],
    ['ls', 'cd src', null],
    ['rm -rf build', 'ls -rf', null],
    // Arguments count from the real command's name: wrappers, their options and assignments before
    // it are not arguments, on either side.
    ['nano notes.txt', 'sudo nano notes.txt', 'sudo nano $1'],
    ['sudo nano notes.txt', 'cat notes.txt', 'cat $1'],
    ['sudo apt install foo', 'sudo apt purge foo', 'sudo apt purge $2'],
    ['apt install foo', 'sudo apt purge foo', 'sudo apt purge $2'],
    ['sudo -u deploy ./run.sh prod', 'tail prod.log', null],
    ['sudo -u deploy ./run.sh prod', 'sudo -u deploy ./stop.sh prod', 'sudo -u deploy ./stop.sh $1'],
    ['env FOO=1 node x.js', 'node x.js', 'node $1'],
    ['time make bench', 'make bench', 'make $1'],
    ['nice -n 10 make all', 'make all', 'make $1'],
    ['FOO=1 make test', 'make test', 'make $1'],
    // ... and names are never carried: not the previous command's, not into the next one's place.
    ['which python3', 'time python3 -V', null],
    ['which nano', 'sudo nano /etc/hosts', null],
    ['nohup ./server.sh', 'pkill -f ./server.sh', null],
    // One simple command: the previous line's arguments are those of its first command, and the
    // words after `&&`, `;`, `|` or a newline are not among them.
    ['make && ./app 3', 'gdb ./app', null],
    ['cd build; make', 'ls make', null],
    ['cd build;make x', 'ls build', 'ls $1'],
    ['cd src\nvim a.c', 'git add a.c', null],
    ['git add a.c\ngit commit -m x', 'vim a.c', 'vim $2'],
    ['grep -n foo a.txt | less', 'vim a.txt', 'vim $3'],
    // The next line keeps its own layout: newlines, separators and spacing stay as typed.
    ['mkdir out', 'cd out\nls', 'cd $1\nls'],
    ['mkdir out', 'cd out && ls  -la', 'cd $1 && ls  -la'],
    ['vim a.c', 'gcc a.c && ./a.out', 'gcc $1 && ./a.out'],
    // A literal `$1` would read as a slot when filled: no pattern.
    ['echo a', 'echo a $1', null],
  ];
  it.each(cases)('%j then %j → %j', (prev, next, pattern) => {
    expect(abstractArgs(prev, next)).toBe(pattern);
    if (pattern) expect(fillArgs(pattern, prev)).toBe(next);
  });
});

describe('fillArgs', () => {
  // pattern, previous line, the line it proposes (null: the previous line lacks a word)
  const cases: [string, string, string | null][] = [
    ['cd $1', 'mkdir demo', 'cd demo'],
    ['git push origin $2', 'git tag v2', 'git push origin v2'],
    ['cd $1', 'ls', null],
    ['cd $1', 'ls -la', null],
    // `nano x` → `sudo nano x` filled after `sudo nano y`: the argument is y, never `nano`.
    ['sudo nano $1', 'sudo nano y.conf', 'sudo nano y.conf'],
    ['sudo nano $1', 'nano y.conf', 'sudo nano y.conf'],
    // `apt install foo` → `sudo apt purge foo` filled after `sudo apt install bar`.
    ['sudo apt purge $2', 'sudo apt install bar', 'sudo apt purge bar'],
    ['sudo apt purge $2', 'apt install bar', 'sudo apt purge bar'],
    ['sudo apt purge $2', 'sudo -u root apt install bar', 'sudo apt purge bar'],
    ['sudo apt purge $3', 'sudo apt install bar', null],
    ['cat $1', 'FOO=1 BAR=2 env nice -n 5 sort big.txt', 'cat big.txt'],
    // Only the previous line's first command: `./app` is a name, `3` belongs to it.
    ['gdb $2', 'make && ./app 3', null],
    ['vim $1', 'cd src\nvim a.c', 'vim src'],
    ['ls $1', 'which', null],
    // The pattern's own layout is kept: a multi-line next line stays multi-line.
    ['cd $1\nls', 'mkdir out', 'cd out\nls'],
    // Slots are whole words: `$1` inside quotes is the command's own text.
    ["awk '{print $1}' $1", 'cat data.tsv', "awk '{print $1}' data.tsv"],
  ];
  it.each(cases)('%j after %j → %j', (pattern, prev, line) => {
    expect(fillArgs(pattern, prev)).toBe(line);
  });

  it('never puts a wrapper or a command name where an argument goes', () => {
    // Whatever was learned, a filled slot holds an argument of the previous line's command.
    const prevs = ['sudo apt install foo', 'sudo nano x', 'env FOO=1 time nice -n 3 make all', 'make && ./app 3', 'cd a\nvim b'];
    const args: Record<string, string[]> = {
      'sudo apt install foo': ['install', 'foo'],
      'sudo nano x': ['x'],
      'env FOO=1 time nice -n 3 make all': ['all'],
      'make && ./app 3': [],
      'cd a\nvim b': ['a'],
    };
    for (const prev of prevs) {
      for (let k = 0; k <= 8; k++) {
        const line = fillArgs(`echo $${k}`, prev);
        if (line !== null) expect(args[prev]).toContain(line.slice('echo '.length));
      }
    }
  });
});
