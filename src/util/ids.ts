// Random ids and content hashes without node:crypto, whose module tree costs ~7-10 ms to load here:
// more than a whole `mem add` spends on its work. SHA-256 (FIPS 180-4) is written out below for
// content hashes and signatures, which must stay byte for byte what node:crypto gave (stores hold
// them: test/ids.test.ts compares the two); random bytes come from the kernel (/dev/urandom), as
// node:crypto's do. Secrets (API tokens) still use node:crypto: their cost is paid where they are.
// (The bundles load node:crypto on its first use only, scripts/build.mjs: importing it costs nothing.)
import { randomUUID } from 'node:crypto';
import { closeSync, openSync, readSync } from 'node:fs';

const K = new Uint32Array([
  0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5, 0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3,
  0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174, 0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
  0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967, 0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13,
  0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85, 0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
  0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3, 0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208,
  0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2,
]);

/** SHA-256 of the UTF-8 bytes of `text`, as 64 lowercase hex digits (what createHash gives). */
export function sha256Hex(text: string): string {
  const data = Buffer.from(text, 'utf8');
  // The message, a 0x80 byte, zeros, and its length in bits (64-bit big-endian), in 64-byte blocks.
  const blocks = Math.ceil((data.length + 9) / 64);
  const msg = Buffer.alloc(blocks * 64);
  data.copy(msg);
  msg[data.length] = 0x80;
  const bits = data.length * 8;
  msg.writeUInt32BE(Math.floor(bits / 0x100000000), msg.length - 8);
  msg.writeUInt32BE(bits >>> 0, msg.length - 4);
  const h = new Uint32Array([0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a, 0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19]);
  const w = new Uint32Array(64);
  for (let off = 0; off < msg.length; off += 64) {
    for (let i = 0; i < 16; i++) w[i] = msg.readUInt32BE(off + i * 4);
    for (let i = 16; i < 64; i++) {
      const a = w[i - 15]!;
      const b = w[i - 2]!;
      const s0 = ((a >>> 7) | (a << 25)) ^ ((a >>> 18) | (a << 14)) ^ (a >>> 3);
      const s1 = ((b >>> 17) | (b << 15)) ^ ((b >>> 19) | (b << 13)) ^ (b >>> 10);
      w[i] = (w[i - 16]! + s0 + w[i - 7]! + s1) | 0;
    }
    let [a, b, c, d, e, f, g, k] = [h[0]!, h[1]!, h[2]!, h[3]!, h[4]!, h[5]!, h[6]!, h[7]!];
    for (let i = 0; i < 64; i++) {
      const S1 = ((e >>> 6) | (e << 26)) ^ ((e >>> 11) | (e << 21)) ^ ((e >>> 25) | (e << 7));
      const t1 = (k + S1 + ((e & f) ^ (~e & g)) + K[i]! + w[i]!) | 0;
      const S0 = ((a >>> 2) | (a << 30)) ^ ((a >>> 13) | (a << 19)) ^ ((a >>> 22) | (a << 10));
      const t2 = (S0 + ((a & b) ^ (a & c) ^ (b & c))) | 0;
      k = g;
      g = f;
      f = e;
      e = (d + t1) | 0;
      d = c;
      c = b;
      b = a;
      a = (t1 + t2) | 0;
    }
    h[0] = h[0]! + a;
    h[1] = h[1]! + b;
    h[2] = h[2]! + c;
    h[3] = h[3]! + d;
    h[4] = h[4]! + e;
    h[5] = h[5]! + f;
    h[6] = h[6]! + g;
    h[7] = h[7]! + k;
  }
  let hex = '';
  for (const v of h) hex += v.toString(16).padStart(8, '0');
  return hex;
}

// Random bytes are read from the kernel a batch at a time (one open and read per 1 KiB of ids).
let pool = Buffer.alloc(0);
let used = 0;

function randomBytes(n: number): Buffer {
  if (used + n > pool.length) {
    // Filled aside and kept only when whole: a failed read must not leave a pool of zeros behind
    // for the next id to take.
    const fresh = Buffer.alloc(Math.max(1024, n));
    const fd = openSync('/dev/urandom', 'r');
    try {
      for (let got = 0; got < fresh.length; ) {
        const read = readSync(fd, fresh, got, fresh.length - got, null);
        // The kernel's never ends; a /dev/urandom that does (an empty file in a chroot) is not it.
        if (read === 0) throw new Error('/dev/urandom gave no more bytes');
        got += read;
      }
    } finally {
      closeSync(fd);
    }
    pool = fresh;
    used = 0;
  }
  used += n;
  return pool.subarray(used - n, used);
}

/** A random (version 4) UUID, as crypto.randomUUID gives. */
export function randomUuid(): string {
  let b: Buffer;
  try {
    b = Buffer.from(randomBytes(16));
  } catch {
    // No /dev/urandom (a chroot, another system): node:crypto, slower to load but everywhere.
    // (The bundles load node:crypto on its first use only: see scripts/build.mjs.)
    return randomUUID();
  }
  b[6] = (b[6]! & 0x0f) | 0x40;
  b[8] = (b[8]! & 0x3f) | 0x80;
  const x = b.toString('hex');
  return `${x.slice(0, 8)}-${x.slice(8, 12)}-${x.slice(12, 16)}-${x.slice(16, 20)}-${x.slice(20)}`;
}
