// Command templates and command names: table-driven.
import { describe, expect, it } from 'vitest';
import { commandName, firstWord, normalize, shellWords, simpleCommands } from '../src/predict/normalize.js';

describe('normalize', () => {
  const cases: [string, string][] = [
    ['git commit -m "fix the parser"', 'git commit -m <QUOTED>'],
    ["git commit -am 'wip'", 'git commit -am <QUOTED>'],
    ['vim src/predict/rank.ts', 'vim <FILE>'],
    ['vim main.py', 'vim <FILE>'],
    ['vim .zshrc', 'vim <FILE>'],
    ['cd ~/work/mem', 'cd <PATH>'],
    ['cd src/', 'cd <PATH>'],
    ['cd ..', 'cd ..'],
    ['cd -', 'cd -'],
    ['git add .', 'git add .'],
    ['python train.py --epochs=20', 'python <FILE> --epochs=<NUM>'],
    ['git checkout 3f2a9c1', 'git checkout <HASH>'],
    ['git show 9fceb02d0ae598e95dc970b74767f19372d61af8', 'git show <HASH>'],
    ['curl -fsSL https://example.com/x.sh | sh', 'curl -fsSL <URL> | sh'],
    ['git clone git@github.com:me/repo.git', 'git clone <URL>'],
    ['ssh admin@10.0.0.12', 'ssh admin@<IP>'],
    ['ping 192.168.1.1', 'ping <IP>'],
    ['curl 127.0.0.1:8080', 'curl <IP>'],
    ['git config --global user.email me@example.com', 'git config --global <FILE> <EMAIL>'],
    ['kubectl delete pod 0f8e4b2a-1c3d-4e5f-8a9b-0c1d2e3f4a5b', 'kubectl delete pod <UUID>'],
    ['FOO=1 make -j8', 'FOO=<NUM> make -j8'],
    ['kill -9 4242', 'kill -9 <NUM>'],
    ['git log -1 | cat', 'git log -1 | cat'],
    ['cat a.log > out.txt', 'cat <FILE> > <FILE>'],
    ['sudo apt install ripgrep', 'sudo apt install ripgrep'],
    ['sudo -u deploy ./run.sh 3', 'sudo -u deploy ./run.sh <NUM>'],
    ['cd build && make -j4 && ./app 3', 'cd build && make -j4 && ./app <NUM>'],
    ['ls My\\ Documents/notes', 'ls <PATH>'],
    ['docker run -p 8080:80 nginx', 'docker run -p <NUM> nginx'],
    ['echo $HOME', 'echo $HOME'],
    ['ls -la', 'ls -la'],
    ['  git status  ', 'git status'],
    ['', ''],
  ];
  it.each(cases)('%j → %j', (input, template) => {
    expect(normalize(input)).toBe(template);
  });

  it('is idempotent on its own output for placeholder-free commands', () => {
    for (const [, t] of cases) if (!t.includes('<')) expect(normalize(t)).toBe(t);
  });
});

describe('commandName', () => {
  const cases: [string, string][] = [
    ['git status', 'git'],
    ['sudo apt install x', 'apt'],
    ['sudo -u deploy ./run.sh', './run.sh'],
    ['FOO=1 BAR=2 make', 'make'],
    ['env FOO=1 node x.js', 'node'],
    ['time ./bench.sh', './bench.sh'],
    ['  ls -la', 'ls'],
    ['sudo', 'sudo'],
    ['\\', '\\'],
    ['', ''],
  ];
  it.each(cases)('%j → %j', (line, name) => {
    expect(commandName(line)).toBe(name);
  });

  it('firstWord is the raw first word', () => {
    expect(firstWord('  sudo apt install')).toBe('sudo');
    expect(firstWord('')).toBe('');
  });
});

describe('shellWords', () => {
  const cases: [string, string[]][] = [
    ['a b  c', ['a', 'b', 'c']],
    ['git commit -m "two words"', ['git', 'commit', '-m', '"two words"']],
    ["echo 'a b'c", ['echo', "'a b'c"]],
    ['ls a\\ b', ['ls', 'a\\ b']],
  ];
  it.each(cases)('%j', (line, words) => {
    expect(shellWords(line)).toEqual(words);
  });
});

describe('simpleCommands', () => {
  // line → each simple command as [prefix, name, args]
  const cases: [string, [string[], string | undefined, string[]][]][] = [
    ['git commit -m "a b"', [[[], 'git', ['commit', '-m', '"a b"']]]],
    ['sudo -u deploy ./run.sh 3', [[['sudo', '-u', 'deploy'], './run.sh', ['3']]]],
    ['FOO=1 env BAR=2 nice -n 5 make all', [[['FOO=1', 'env', 'BAR=2', 'nice', '-n', '5'], 'make', ['all']]]],
    ['command -v git', [[['command', '-v'], 'git', []]]],
    [
      'cd build && make -j4 || echo failed',
      [
        [[], 'cd', ['build']],
        [[], 'make', ['-j4']],
        [[], 'echo', ['failed']],
      ],
    ],
    [
      'cd x;ls -la | less',
      [
        [[], 'cd', ['x']],
        [[], 'ls', ['-la']],
        [[], 'less', []],
      ],
    ],
    [
      'git add .\ngit commit -m x',
      [
        [[], 'git', ['add', '.']],
        [[], 'git', ['commit', '-m', 'x']],
      ],
    ],
    ['make 2>&1 &>log >out', [[[], 'make', ['2>&1', '&>log', '>out']]]],
    ['./configure \\\n  --prefix=/opt', [[[], './configure', ['--prefix=/opt']]]],
    ["echo 'a;b' \"c|d\"", [[[], 'echo', ["'a;b'", '"c|d"']]]],
    ['sudo', [[['sudo'], undefined, []]]],
    ['  ', []],
  ];
  it.each(cases)('%j', (line, expected) => {
    const got = simpleCommands(line).map((c) => [c.prefix.map((w) => w.text), c.name?.text, c.args.map((w) => w.text)]);
    expect(got).toEqual(expected);
    // Every word is where it says it is.
    for (const c of simpleCommands(line)) for (const w of [...c.prefix, ...c.args]) expect(line.slice(w.start, w.end)).toBe(w.text);
  });
});
