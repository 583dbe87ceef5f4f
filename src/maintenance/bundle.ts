// The export bundle: one JSON document, versioned, holding every record mem stores, section by
// section, each written and read by the capability that owns it. Derived tables are not exported;
// an import rebuilds them from what it merged. Documented in the README.
import { closeSync, fsyncSync, openSync, renameSync, rmSync, writeSync } from 'node:fs';
import type { BundlePart } from '../core/bundle-part.js';
import type { Db } from '../db/open.js';
import { schemaVersion, storeId } from '../db/open.js';
import { readTx, writeTx } from '../db/tx.js';
import { InputError, MemError } from '../errors.js';
import { episodesBundle } from '../episodes/bundle.js';
import { fixesBundle } from '../fixes/bundle.js';
import { memoryBundle } from '../memory/bundle.js';
import { patternsBundle } from '../patterns/bundle.js';
import { shellBundle } from '../shell/bundle.js';
import { isObj } from '../util/json.js';

export const BUNDLE_FORMAT = 'mem-bundle';
export const BUNDLE_VERSION = 1;

/** In bundle order: fix attempts first (the format's original sections), then the rest. */
const PARTS = { fixes: fixesBundle, shell: shellBundle, memories: memoryBundle, patterns: patternsBundle, episodes: episodesBundle } as const;
type Parts = typeof PARTS;
type ParsedOf<P> = P extends BundlePart<infer T> ? T : never;

export interface Bundle {
  format: typeof BUNDLE_FORMAT;
  version: number;
  exported_at: string;
  store_id: string;
  schema_version: number;
  parts: { [K in keyof Parts]: ParsedOf<Parts[K]> };
}

/**
 * Streams the bundle section by section, so a large store is never held in memory as one string.
 * Returns counts of what was written.
 */
export function writeBundle(db: Db, write: (chunk: string) => void, now: number): Record<string, number> {
  const counts: Record<string, number> = {};
  const head = { format: BUNDLE_FORMAT, version: BUNDLE_VERSION, exported_at: new Date(now).toISOString(), store_id: storeId(db), schema_version: schemaVersion(db) };
  write(JSON.stringify(head).slice(0, -1));
  // A read transaction gives one consistent snapshot across all sections while others write.
  readTx(db, () => {
    for (const part of Object.values(PARTS)) {
      for (const [name, rows] of part.exportSections(db)) {
        write(`,\n"${name}": [`);
        let n = 0;
        try {
          for (const r of rows) write((n++ ? ',\n' : '\n') + JSON.stringify(r));
        } catch (err) {
          // A stored JSON column that no longer parses: the file is damaged in a way SQLite's
          // page structure does not show.
          if (err instanceof SyntaxError) throw new MemError(`the store at ${db.name} is corrupt: a value in ${name} (entry ${n}) cannot be read; \`mem doctor\` tells more, \`mem restore BACKUP\` recovers it`, 1, 'store_corrupt');
          throw err;
        }
        write(n ? '\n]' : ']');
        counts[name] = n;
      }
    }
  });
  write('\n}\n');
  return counts;
}

/** Writes via a 0600 temp file and rename: a failed export (a full disk) never leaves half a bundle. */
export function exportToFile(db: Db, path: string, now: number): Record<string, number> {
  const tmp = `${path}.${process.pid}.tmp`;
  let fd: number | undefined;
  try {
    fd = openSync(tmp, 'w', 0o600);
    const out = fd;
    const counts = writeBundle(db, (c) => void writeSync(out, c), now);
    fsyncSync(fd);
    closeSync(fd);
    fd = undefined;
    renameSync(tmp, path);
    return counts;
  } catch (err) {
    if (fd !== undefined) closeSync(fd);
    rmSync(tmp, { force: true });
    throw err;
  }
}

/** Validates the whole bundle before anything is written; throws InputError naming the entry. */
export function parseBundle(text: string): Bundle {
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch (err) {
    throw new InputError(`not a mem bundle: malformed JSON (${(err as Error).message})`);
  }
  if (!isObj(doc) || doc.format !== BUNDLE_FORMAT) throw new InputError(`not a mem bundle (expected "format": "${BUNDLE_FORMAT}")`);
  if (doc.version !== BUNDLE_VERSION) {
    throw new InputError(`bundle version ${JSON.stringify(doc.version)} is not supported (this mem reads version ${BUNDLE_VERSION})`, undefined, 'version');
  }
  const list = (name: string): unknown[] => {
    const v = doc[name] ?? [];
    if (!Array.isArray(v)) throw new InputError('must be a list', undefined, name);
    return v;
  };
  return {
    format: BUNDLE_FORMAT,
    version: BUNDLE_VERSION,
    exported_at: typeof doc.exported_at === 'string' ? doc.exported_at : '',
    store_id: typeof doc.store_id === 'string' ? doc.store_id : '',
    schema_version: Number(doc.schema_version ?? 0),
    parts: {
      fixes: PARTS.fixes.parse(list),
      shell: PARTS.shell.parse(list),
      memories: PARTS.memories.parse(list),
      patterns: PARTS.patterns.parse(list),
      episodes: PARTS.episodes.parse(list),
    },
  };
}

/** What a bundle holds, without writing anything (`mem import --dry-run`). */
export function bundleSummary(b: Bundle): Record<string, number> {
  return Object.assign({}, ...Object.entries(PARTS).map(([k, part]) => (part as BundlePart<unknown>).count(b.parts[k as keyof Parts]))) as Record<string, number>;
}

export interface ImportReport {
  fix_attempts: { added: number; already_present: number; superseded_by_archive: number };
  fix_archive: { merged: number };
  fix_tombstones: { added: number };
  added: { commands: number; memories: number; learned_patterns: number; episodes: number };
  changed: boolean;
}

/** Merges a validated bundle in one transaction. Importing the same bundle again changes nothing. */
export function importBundle(db: Db, b: Bundle, now: number): ImportReport {
  return writeTx(db, (): ImportReport => {
    const f = PARTS.fixes.merge(db, b.parts.fixes, now);
    const added = {
      commands: PARTS.shell.merge(db, b.parts.shell, now).commands!,
      memories: PARTS.memories.merge(db, b.parts.memories, now).memories!,
      learned_patterns: PARTS.patterns.merge(db, b.parts.patterns, now).learned_patterns!,
      episodes: PARTS.episodes.merge(db, b.parts.episodes, now).episodes!,
    };
    const fixesChanged = f.fix_changes! > 0;
    return {
      fix_attempts: { added: f.fix_attempts!, already_present: f.fix_attempts_present!, superseded_by_archive: f.fix_attempts_superseded! },
      fix_archive: { merged: f.fix_archive! },
      fix_tombstones: { added: f.fix_tombstones! },
      added,
      changed: fixesChanged || Object.values(added).some((n) => n > 0),
    };
  });
}
