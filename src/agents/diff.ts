// A line diff of two small texts (settings files): the changed lines with a little context, for
// `mem hook install --dry-run`. Longest common subsequence; settings files are short.

const CONTEXT = 2;

export function lineDiff(before: string, after: string): string[] {
  const a = before ? before.replace(/\n$/, '').split('\n') : [];
  const b = after.replace(/\n$/, '').split('\n');
  const n = a.length;
  const m = b.length;
  // lcs[i][j]: the LCS length of a[i..] and b[j..]
  const lcs = Array.from({ length: n + 1 }, () => new Uint32Array(m + 1));
  for (let i = n - 1; i >= 0; i--) for (let j = m - 1; j >= 0; j--) lcs[i]![j] = a[i] === b[j] ? lcs[i + 1]![j + 1]! + 1 : Math.max(lcs[i + 1]![j]!, lcs[i]![j + 1]!);
  const ops: [' ' | '-' | '+', string][] = [];
  let i = 0;
  let j = 0;
  while (i < n || j < m) {
    if (i < n && j < m && a[i] === b[j]) {
      ops.push([' ', a[i++]!]);
      j++;
    } else if (j < m && (i >= n || lcs[i]![j + 1]! >= lcs[i + 1]![j]!)) ops.push(['+', b[j++]!]);
    else ops.push(['-', a[i++]!]);
  }
  const keep = ops.map((op, k) => op[0] !== ' ' || ops.slice(Math.max(0, k - CONTEXT), k + CONTEXT + 1).some((o) => o[0] !== ' '));
  const out: string[] = [];
  let skipped = false;
  for (const [k, [op, line]] of ops.entries()) {
    if (!keep[k]) {
      if (!skipped) out.push('…');
      skipped = true;
      continue;
    }
    skipped = false;
    out.push(`${op} ${line}`);
  }
  return out;
}
