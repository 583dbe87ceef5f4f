// src/util/ids.ts stands in for node:crypto on mem's start-up paths: its SHA-256 must give exactly
// what createHash gave (stores hold content hashes and signatures made by either), and its UUIDs
// must be version 4 and not repeat.
import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { randomUuid, sha256Hex } from '../src/util/ids.js';
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
