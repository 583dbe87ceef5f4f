import type { Db } from '../db/open.js';
import { InputError } from '../errors.js';

/**
 * What one capability contributes to the export bundle: its sections, streamed out; validated
 * entries back in (every section validated before anything is written); and a merge that adds only
 * what the store lacks, so importing a bundle twice changes nothing.
 */
export interface BundlePart<P> {
  /**
   * The sections, as [name, rows] (the caller holds a read transaction for one snapshot). Rows are
   * read only when iterated (`streamed()`): a cursor opened early keeps the connection busy.
   */
  exportSections(db: Db): [string, Iterable<unknown>][];
  /** Validates this part's sections; throws InputError naming the entry. */
  parse(list: (name: string) => unknown[]): P;
  /** How many entries of each section were read (for --dry-run). */
  count(parsed: P): Record<string, number>;
  /** Merges; the caller holds the transaction. Returns how many of each were new. */
  merge(db: Db, parsed: P, now: number): Record<string, number>;
}

const bad = (section: string, i: number, why: string): never => {
  throw new InputError(why, undefined, `${section}[${i}]`);
};

/** Validation helpers shared by the parts. */
export const check = {
  bad,
  str: (v: unknown): v is string => typeof v === 'string' && v.length > 0,
  num: (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v),
  optNum: (v: unknown) => v === null || v === undefined || (typeof v === 'number' && Number.isFinite(v)),
};

/** Maps an iterable lazily (rows stream from SQLite straight into the bundle). */
export function* mapRows<T, U>(it: Iterable<T>, f: (t: T) => U): Iterable<U> {
  for (const x of it) yield f(x);
}
