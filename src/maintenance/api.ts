// Maintenance in the core API: export and import bundles, cleanup, prune, online backups and
// restore, and the doctor. Each goes through the capabilities' own functions; all are safe from cron.
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { Check } from '../core/check.js';
import type { World } from '../core/world.js';
import { openDb } from '../db/open.js';
import { InputError, intIn, knownError, NotFoundError, UsageError } from '../errors.js';
import { backup, restore, type BackupReport, type RestoreReport } from './backup.js';
import { bundleSummary, exportToFile, importBundle, parseBundle, writeBundle, type ImportReport } from './bundle.js';
import { cleanup, type CleanupReport } from './cleanup.js';
import { storeChecks } from './doctor.js';
import { prune, type PruneReport } from './prune.js';
import { makeDirs } from '../util/dirs.js';

export type { BackupReport, Check, CleanupReport, ImportReport, PruneReport, RestoreReport };

export interface MaintenanceApi {
  /** Streams the bundle to `write` (stdout, a socket); returns counts per section. */
  exportTo(write: (chunk: string) => void): Record<string, number>;
  /** Writes the bundle to a file (0600, via a temp file and rename). */
  exportFile(path: string): { path: string; counts: Record<string, number> };
  /** Validates a whole bundle, then merges it in one transaction (or only validates, with dryRun). */
  importBundle(text: string, opts?: { dryRun?: boolean }): ImportReport | { dry_run: true; valid: true; counts: Record<string, number> };
  /** Removes raw records older than `olderThanMs` milliseconds (default: config cleanup.older_than). */
  cleanup(olderThanMs: number, opts?: { dryRun?: boolean }): CleanupReport;
  /** Re-applies filters and redaction; relearning the predictions afterwards reports progress. */
  prune(opts?: { dryRun?: boolean; onProgress?: (done: number, total: number) => void }): PruneReport;
  backup(opts?: { dir?: string; keep?: number }): Promise<BackupReport>;
  restore(file: string): Promise<RestoreReport>;
  doctor(): { ok: boolean; checks: Check[] };
  /** Exports to a named bundle in the store's bundle directory (a name, never a path). */
  saveBundle(name: string): { filename: string; counts: Record<string, number> };
  /** Imports a named bundle from the store's bundle directory. */
  loadBundle(name: string, opts?: { dryRun?: boolean }): { filename: string } & (ImportReport | { dry_run: true; valid: true; counts: Record<string, number> });
}

/** A bundle name: letters, digits, dot, dash, underscore; no path, nothing hidden. */
const BUNDLE_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/;

function bundleName(name: string): string {
  if (typeof name !== 'string' || !BUNDLE_NAME.test(name)) throw new InputError('must be a file name (letters, digits, . - _; no directories), e.g. backup-2024.json', undefined, 'filename');
  return name;
}

export function maintenanceApi(world: World, onImported: (r: ImportReport) => void): MaintenanceApi {
  const api: MaintenanceApi = {
    exportTo(write) {
      const db = world.readDb();
      try {
        return writeBundle(db, write, world.now());
      } catch (err) {
        throw knownError(err, world.paths.store) ?? err;
      }
    },
    exportFile(file) {
      const path = resolve(world.cwd, file);
      const db = world.readDb();
      try {
        return { path, counts: exportToFile(db, path, world.now()) };
      } catch (err) {
        // The store's failures name the store; the file's (a full disk) name the file.
        throw knownError(err, String((err as { code?: unknown }).code).startsWith('SQLITE') ? world.paths.store : path) ?? err;
      }
    },
    importBundle(text, o = {}) {
      const bundle = parseBundle(text); // the whole bundle is validated before any write
      if (o.dryRun) return { dry_run: true, valid: true, counts: bundleSummary(bundle) };
      const report = importBundle(world.db(), bundle, world.now());
      onImported(report);
      return report;
    },
    cleanup: (olderThanMs, o = {}) => cleanup(world, world.now() - olderThanMs, Boolean(o.dryRun)),
    prune: (o = {}) => prune(world, Boolean(o.dryRun), o.onProgress),
    backup(o = {}) {
      const keep = o.keep === undefined ? world.config.get<number>('backup.keep') : intIn(o.keep, 'keep', 1, 10_000);
      return backup(world.readDb(), o.dir === undefined ? world.paths.backups : resolve(world.cwd, o.dir), keep, world.now());
    },
    async restore(file) {
      const source = resolve(world.cwd, file);
      if (source === world.paths.store) throw new UsageError('cannot restore the store from itself');
      world.close();
      const report = await restore(world.paths.store, source, world.paths.backups, world.now());
      // A backup written by an older mem is migrated now, not by whichever command comes next.
      openDb(world.paths.store, { busyTimeoutMs: world.config.get<number>('store.busy_timeout_ms') }).close();
      return report;
    },
    doctor() {
      const checks = storeChecks(world);
      return { ok: checks.every((c) => c.status !== 'fail'), checks };
    },
    saveBundle(name) {
      const filename = bundleName(name);
      makeDirs(world.paths.bundles);
      return { filename, counts: exportToFile(world.readDb(), join(world.paths.bundles, filename), world.now()) };
    },
    loadBundle(name, o = {}) {
      const filename = bundleName(name);
      const path = join(world.paths.bundles, filename);
      if (!existsSync(path)) throw new NotFoundError(`no bundle '${filename}' (POST /save writes one)`);
      return { filename, ...api.importBundle(readFileSync(path, 'utf8'), o) };
    },
  };
  return api;
}
