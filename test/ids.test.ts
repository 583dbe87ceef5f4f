// src/util/ids.ts stands in for node:crypto on mem's start-up paths: its SHA-256 must give exactly
// what createHash gave (stores hold content hashes and signatures made by either), and its UUIDs
// must be version 4 and not repeat.
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { randomUuid, sha256Hex } from '../src/util/ids.js';
import { BIN, sandbox } from './helpers.js';
import { prng } from './support/prng.js';

const native = (s: string) => createHash('sha256').update(s).digest('hex');

describe('sha256Hex', () => {
  it('gives the FIPS 180-4 test vectors', () => {
    expect(sha256Hex('')).toBe('e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855');
    expect(sha256Hex('abc')).toBe('ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
    expect(sha256Hex('abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq')).toBe('248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1');
  });

  it('matches node:crypto at every length around the block boundaries, and on any text', () => {
    const rand = prng(7);
    const alphabet = ['a', 'Z', '0', ' ', '\n', '\0', 'é', '日本', '🙂', '\u{10FFFF}', '\\'];
    for (let n = 0; n <= 300; n++) {
      const ascii = 'x'.repeat(n);
      expect(sha256Hex(ascii), `length ${n}`).toBe(native(ascii));
      const mixed = Array.from({ length: n }, () => alphabet[Math.floor(rand() * alphabet.length)]).join('');
      expect(sha256Hex(mixed), JSON.stringify(mixed)).toBe(native(mixed));
    }
    const long = 'npm ERR! '.repeat(20_000);
    expect(sha256Hex(long)).toBe(native(long));
  });
});

describe('randomUuid', () => {
  it('gives version 4 UUIDs that do not repeat', () => {
    const seen = new Set<string>();
    for (let i = 0; i < 5000; i++) {
      const id = randomUuid();
      expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
      seen.add(id);
    }
    expect(seen.size).toBe(5000);
  });
});

// A private mount namespace (root only: unshare -m) stands for a chroot or container whose
// /dev/urandom is not the kernel's: an empty file, a missing node.
const canUnshare = spawnSync('unshare', ['-m', 'true']).status === 0;

describe.skipIf(!canUnshare)('randomUuid where /dev/urandom is not the kernel\'s', () => {
  it.each([
    ['reads nothing (an empty file: /dev/null bound on it)', 'mount --bind /dev/null /dev/urandom'],
    ['is missing (an empty /dev)', 'mount -t tmpfs none /dev'],
  ])('%s: node:crypto gives the ids, each its own, no hang', (_, mount) => {
    const box = sandbox();
    try {
      const bulk = join(box.dir, 'bulk.jsonl');
      writeFileSync(bulk, ['one', 'two', 'three'].map((w) => JSON.stringify({ content: `note ${w}` })).join('\n') + '\n');
      const r = spawnSync('unshare', ['-m', 'sh', '-c', `${mount} && exec "$0" "$1" add --bulk "$2" --json`, process.execPath, BIN, bulk], { env: box.env, encoding: 'utf8', timeout: 20_000 });
      expect(r.signal).toBeNull();
      expect(r.status, r.stderr).toBe(0);
      const ids = JSON.parse(r.stdout).ids as string[];
      expect(new Set(ids).size).toBe(3);
      for (const id of ids) expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
      expect(ids).not.toContain('00000000-0000-4000-8000-000000000000');
    } finally {
      box.cleanup();
    }
  });
});
