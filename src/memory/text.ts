// Text helpers for retrieval: FTS5 query building, error-message normalisation, snippets.

import { words } from '../util/words.js';

export { words };

/** An FTS5 query that matches any of the words (BM25 ranks those matching more, and rarer, higher). */
export function ftsAny(terms: Iterable<string>): string | null {
  const uniq = [...new Set(terms)].filter(Boolean).slice(0, 64);
  return uniq.length ? uniq.map((t) => `"${t.replace(/"/g, '""')}"`).join(' OR ') : null;
}

/**
 * Error messages mention the same failure in different words: "Cannot import fastapi" and
 * "ModuleNotFoundError: No module named 'fastapi'". Normalising drops what varies between
 * occurrences (paths, numbers, addresses, line/column positions) and keeps names, then each word
 * brings its usual synonyms.
 */
export function normalizeError(message: string): string {
  return expandContractions(message)
    .replace(/\b(?:https?|file):\/\/\S+/g, ' ')
    .replace(/(?:~|\.{1,2})?(?:\/[\w.@+-]+){2,}\/?/g, (p) => ` ${p.split('/').pop()} `) // keep a path's last part (a file name says a lot)
    .replace(/\b0x[0-9a-f]+\b/gi, ' ')
    .replace(/\b\d{1,3}(?:\.\d{1,3}){3}(?::\d+)?\b/g, ' ')
    .replace(/\b[0-9a-f]{8,}\b/gi, ' ')
    .replace(/\b\d+(?:\.\d+)*\b/g, ' ')
    .replace(/["'`\u2018\u2019\u201c\u201d]/g, ' ')
    .replace(/\s+/g, ' ')
    .trim();
}

/**
 * "isn't", "can't", "won't" would otherwise split into a stem and a lone `t` (dropped), losing the
 * negation that error messages spell out ("not a git repository", "cannot find").
 */
function expandContractions(text: string): string {
  return text
    .replace(/\b(can|won)[\u2019']t\b/gi, (_, w: string) => (w.toLowerCase() === 'can' ? 'cannot' : 'will not'))
    .replace(/\b(\w+)n[\u2019']t\b/gi, '$1 not');
}

/** Short forms people type for the words tools print. */
const ABBREVIATIONS: Record<string, string[]> = {
  repo: ['repository'],
  repos: ['repository', 'repositories'],
  dir: ['directory'],
  dirs: ['directory', 'directories'],
  db: ['database'],
  env: ['environment'],
  config: ['configuration'],
  auth: ['authentication'],
  perms: ['permission', 'permissions'],
  pkg: ['package'],
  deps: ['dependency', 'dependencies'],
  dep: ['dependency'],
  cert: ['certificate'],
  certs: ['certificate', 'certificates'],
};

const SYNONYMS: Record<string, string[]> = {
  ...ABBREVIATIONS,
  import: ['module', 'modulenotfounderror', 'importerror', 'require', 'install'],
  module: ['import', 'package', 'modulenotfounderror'],
  modulenotfounderror: ['module', 'import', 'install'],
  importerror: ['import', 'module'],
  cannot: ['no', 'not', 'unable', 'failed'],
  missing: ['not', 'found', 'no'],
  find: ['found', 'missing'],
  found: ['find', 'missing'],
  refused: ['connection', 'connectionrefusederror', 'econnrefused'],
  connect: ['connection', 'refused', 'econnrefused'],
  connection: ['connect', 'refused', 'econnrefused'],
  econnrefused: ['connection', 'refused'],
  timeout: ['timed', 'timeouterror', 'deadline'],
  timed: ['timeout', 'timeouterror'],
  permission: ['denied', 'eacces', 'eperm'],
  denied: ['permission', 'eacces'],
  none: ['nonetype', 'null', 'undefined'],
  nonetype: ['none', 'null'],
  undefined: ['null', 'none', 'nonetype'],
  null: ['none', 'undefined', 'nonetype'],
  attribute: ['attributeerror', 'property'],
  property: ['attribute', 'properties'],
  rejected: ['push', 'non', 'fast', 'forward'],
  conflict: ['conflicts', 'merge'],
  space: ['enospc', 'disk', 'full'],
  disk: ['enospc', 'space'],
  port: ['eaddrinuse', 'address', 'use'],
  eaddrinuse: ['port', 'address', 'use'],
  command: ['not', 'found', 'notfound'],
  memory: ['oom', 'heap', 'killed'],
  heap: ['memory', 'oom'],
  certificate: ['ssl', 'tls', 'cert'],
  ssl: ['certificate', 'tls'],
};

/** The terms of an error message: each normalised word with its usual synonyms, as one group of alternatives. */
export function errorTerms(message: string): string[][] {
  return words(normalizeError(message)).map((w) => [w, ...(SYNONYMS[w] ?? [])]);
}

/**
 * The terms of groups of alternatives as one list, each once: the first of every group, then the
 * others (at most 64: the words themselves before their synonyms).
 */
export function queryTerms(groups: readonly (readonly string[])[]): string[] {
  return [...new Set([...groups.map((g) => g[0]!), ...groups.flatMap((g) => g.slice(1))])].filter(Boolean).slice(0, 64);
}

/** The FTS query for an error message: its normalised words plus their synonyms. */
export function errorQuery(message: string): string | null {
  return ftsAny(queryTerms(errorTerms(message)));
}

/** A window of `content` around the first query word it contains, on one line. */
export function snippet(content: string, query: string, width = 160): string {
  const flat = content.replace(/\s+/g, ' ').trim();
  const lower = flat.toLowerCase();
  let at = -1;
  for (const w of words(query)) {
    const i = lower.indexOf(w);
    if (i >= 0 && (at < 0 || i < at)) at = i;
  }
  if (flat.length <= width) return flat;
  const start = Math.max(0, Math.min(at < 0 ? 0 : at - Math.floor(width / 3), flat.length - width));
  return `${start > 0 ? '…' : ''}${flat.slice(start, start + width)}${start + width < flat.length ? '…' : ''}`;
}
