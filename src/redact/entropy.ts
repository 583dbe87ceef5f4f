// Is a value a generated secret? For values assigned to a variable whose name says nothing
// (`export FOO=…`, `BUILD_SALT=…`, `?X-Amz-Signature=…`), the value itself has to tell.
//
// The rule, in order (each step is cheap; most values leave at the first):
// 1. Shape: one run of token characters (hex, base64, base64url, plus `.`, `~` and `%`-escapes),
//    20 to 1024 long once trailing `=` padding is dropped. A `:`, `,`, `$`, `@` or blank makes it
//    a URL, a list, an expansion or prose, and RANDOM_TOKEN does not even match it.
// 2. Structure that marks a known non-secret: a UUID (an identifier by construction: subscription,
//    tenant and request ids are passed around everywhere), a digest that names its algorithm
//    (`sha384-…` in SRI attributes), a path (`./`, `~`, or a `/`-part that is a word:
//    `Desktop/…`, `/usr/lib/…`), a file name (ends in `.ext`).
// 3. Hex in one case: 32+ chars (MD5 length and up), digits and letters both present, Shannon
//    entropy of at least 3 bits per char (random hex: 3.3-4; `000…0001` is far below).
//    Deliberate: a 40-hex value is masked even when it is a git SHA (`COMMIT=3f2a…`). It cannot be
//    told from a 40-hex token (`openssl rand -hex 20`, Pulumi, Heroku, CircleCI keys), and a SHA
//    under a variable is cheap to lose; a SHA given as an argument (`git checkout 3f2a…`) is not an
//    assignment and is never looked at.
// 4. Any other alphabet (base62/64 and relatives), all of:
//    - letters and digits both present, and upper and lower case too unless 24+ chars long;
//    - separators (`. _ - ~ + /`) at most one char in ten, and a run of 16+ chars without
//      `. _ - ~`: names, versions and file names are short words joined by separators;
//    - Shannon entropy per char at least log2(min(n, 45)) - 1: a random string of n chars has
//      nearly n distinct chars (entropy near log2 n, capped by its alphabet), so this drops only
//      repetitive values;
//    - the character class (upper / lower / digit) changes on at least 30% of adjacent pairs:
//      random base62 changes on ~62%, words and CamelCase identifiers on 10-30%;
//    - at most 60% of the letters and digits in word-like runs (4+ lower-case letters, or a
//      capital then lower case): identifiers are made of such runs, random strings rarely.
// Measured on 20,000 crypto-random values per family: it masks every hex-32/40/64, 95% of
// base62-20, 99% of base62-32 (100% at 64), 97-99% of base64 of 24/32/64 bytes, 96% of
// base64url-43, and 69% of lower-case base36 (which looks more like identifiers). Among the
// 3,984 distinct 16+-char tokens of the four real zsh histories (arguments included, though only
// assigned values are ever tested) it flags only git SHAs and two Docker Swarm task ids.

/** An unquoted or quoted value the entropy rule looks at (a regex fragment, no capture groups). */
export const RANDOM_TOKEN = String.raw`(?:[A-Za-z0-9+/_.~-]|%[0-9A-Fa-f]{2}){20,1024}={0,2}`;

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const NAMED_DIGEST = /^(?:sha(?:1|224|256|384|512)|md5)-/i;
const PATH_START = /^(?:\.{1,2}\/|~)/;
const FILE_EXTENSION = /\.[A-Za-z][A-Za-z0-9]{0,4}$/;
// A `/`-separated part that is a word: `usr`, `Desktop`, `feature`.
const PATH_WORD = /(?:^|\/)(?:[a-z]{3,}|[A-Z][a-z]{2,})(?:\/|$)/;
const HEX = /^(?:[0-9a-f]+|[0-9A-F]+)$/;

/** Shannon entropy of `s` in bits per char. */
export function shannonEntropy(s: string): number {
  if (s.length === 0) return 0;
  const counts = new Map<number, number>();
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    counts.set(c, (counts.get(c) ?? 0) + 1);
  }
  let h = 0;
  for (const n of counts.values()) {
    const p = n / s.length;
    h -= p * Math.log2(p);
  }
  return h;
}

const UPPER = 0;
const LOWER = 1;
const DIGIT = 2;
const OTHER = 3;

function charClass(c: number): number {
  if (c >= 65 && c <= 90) return UPPER;
  if (c >= 97 && c <= 122) return LOWER;
  if (c >= 48 && c <= 57) return DIGIT;
  return OTHER;
}

/** Whether a value assigned to a variable looks like a generated secret (see the rule above). */
export function looksRandom(raw: string): boolean {
  let value = raw.replace(/=+$/, '');
  if (value.includes('%')) {
    try {
      value = decodeURIComponent(value);
    } catch {
      return false;
    }
  }
  const n = value.length;
  if (n < 20 || n > 1024 || !/^[A-Za-z0-9+/_.~-]+$/.test(value)) return false;
  if (UUID.test(value) || NAMED_DIGEST.test(value) || PATH_START.test(value) || FILE_EXTENSION.test(value) || PATH_WORD.test(value)) {
    return false;
  }
  const entropy = shannonEntropy(value);
  if (HEX.test(value)) return n >= 32 && /[0-9]/.test(value) && /[a-fA-F]/.test(value) && entropy >= 3;

  let upper = 0;
  let lower = 0;
  let digits = 0;
  let separators = 0;
  let changes = 0;
  let prev = -1;
  let segment = 0; // chars since the last `. _ - ~`
  let longestSegment = 0;
  let run = 0; // length of the current word-like run
  let inWords = 0; // chars inside word-like runs of 4+
  for (let i = 0; i < n; i++) {
    const c = value.charCodeAt(i);
    const k = charClass(c);
    if (k === OTHER) {
      separators++;
      segment = c === 43 /* + */ || c === 47 /* / */ ? segment + 1 : 0;
      longestSegment = Math.max(longestSegment, segment);
      if (run >= 4) inWords += run;
      run = 0;
      prev = -1;
      continue;
    }
    segment++;
    longestSegment = Math.max(longestSegment, segment);
    if (k === UPPER) upper++;
    else if (k === LOWER) lower++;
    else digits++;
    if (prev >= 0 && k !== prev) changes++;
    // A word goes on with the same kind of letter, or with lower case after its capital (`Name`).
    const sameWord = prev >= 0 && ((prev === k && k !== DIGIT) || (prev === UPPER && k === LOWER && run === 1));
    if (sameWord) {
      run++;
    } else {
      if (run >= 4) inWords += run;
      run = 1;
    }
    prev = k;
  }
  if (run >= 4) inWords += run;
  const alnum = n - separators;
  if (digits === 0 || upper + lower === 0) return false;
  if (upper === 0 || lower === 0) {
    if (n < 24) return false;
  }
  if (separators * 10 > n || longestSegment < 16) return false;
  if (entropy < Math.log2(Math.min(n, 45)) - 1) return false;
  if (changes / Math.max(1, alnum - 1) < 0.3) return false;
  return inWords / Math.max(1, alnum) <= 0.6;
}
