// Removes raw records older than a cut-off, each capability its own: fix attempts are rolled up
// into the archive first (so every aggregate is unchanged); memories deleted with `mem rm` before
// the cut-off are purged; one-off command sequences are forgotten. Live memories, patterns,
// episodes and shell history stay (`mem prune` applies filters to history).
import type { World } from '../core/world.js';
import { checkpointTruncate } from '../db/open.js';
import { FixMaintenance } from '../fixes/store/attempts.js';
import { MemoryStore } from '../memory/store/memories.js';
import { dropOneOffWorkflows } from '../predict/store/workflows.js';

export interface CleanupReport {
  cutoff: string;
  dry_run: boolean;
  removed: { fix_attempts: number; deleted_memories: number; one_off_workflows: number };
  archive_rows: number;
}

export function cleanup(world: World, cutoffMs: number, dryRun: boolean): CleanupReport {
  const report: CleanupReport = { cutoff: new Date(cutoffMs).toISOString(), dry_run: dryRun, removed: { fix_attempts: 0, deleted_memories: 0, one_off_workflows: 0 }, archive_rows: 0 };
  if (!world.storeExists()) return report; // nothing stored, nothing to clean (and nothing created)
  const db = world.db();
  const fixes = new FixMaintenance(db);
  report.removed.fix_attempts = fixes.countOlderThan(cutoffMs);
  report.removed.deleted_memories = new MemoryStore(db).purgeDeletedBefore(cutoffMs, dryRun, world.now());
  report.removed.one_off_workflows = dropOneOffWorkflows(db, cutoffMs, dryRun);
  if (!dryRun && report.removed.fix_attempts) report.archive_rows = fixes.archiveOlderThan(cutoffMs);
  // Purged is gone from disk: secure_delete zeroed the rows; the WAL's old page images go too.
  if (!dryRun && Object.values(report.removed).some(Boolean)) checkpointTruncate(db);
  return report;
}
