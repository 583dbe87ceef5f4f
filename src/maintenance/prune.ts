// `mem prune`: re-applies the current history filters and the secret redaction to everything
// already stored, in one transaction, then rebuilds the aggregates that depend on the text.
import type { Db } from '../db/open.js';
import { rebuildAggregates } from '../fixes/aggregates.js';
import { fixKey } from '../fixes/signature.js';
import { redactDeep, redactString } from '../redact/index.js';
import type { HistoryFilter } from '../shell/filters.js';
import { ShellStore } from '../shell/store.js';

export interface PruneReport {
  dry_run: boolean;
  commands: { deleted: number; redacted: number; reasons: Record<string, number> };
  fix_attempts: { redacted: number };
}

const FIX_TEXT = ['description', 'test_prompt', 'actual_response', 'analysis', 'notes'] as const;

export function prune(db: Db, filter: HistoryFilter, dryRun: boolean): PruneReport {
  const report: PruneReport = { dry_run: dryRun, commands: { deleted: 0, redacted: 0, reasons: {} }, fix_attempts: { redacted: 0 } };
  db.transaction(() => {
    const del = db.prepare('DELETE FROM commands WHERE id = ?');
    const upd = db.prepare('UPDATE commands SET command = ? WHERE id = ?');
    const page = db.prepare('SELECT id, command, cwd FROM commands WHERE id > ? ORDER BY id LIMIT 5000');
    for (let last = 0; ; ) {
      const rows = page.all(last) as { id: number; command: string; cwd: string | null }[];
      if (!rows.length) break;
      last = rows[rows.length - 1]!.id;
      for (const r of rows) {
        const why = filter.reject(r.command, r.cwd);
        if (why) {
          report.commands.deleted++;
          report.commands.reasons[why] = (report.commands.reasons[why] ?? 0) + 1;
          if (!dryRun) del.run(r.id);
          continue;
        }
        const clean = redactString(r.command);
        if (clean !== r.command) {
          report.commands.redacted++;
          if (!dryRun) upd.run(clean, r.id);
        }
      }
    }
    const fixes = db.prepare(`SELECT id, ${FIX_TEXT.join(', ')}, fix_commands, system_info, extra FROM fix_attempts`).all() as Record<string, string | number>[];
    const updFix = db.prepare(`UPDATE fix_attempts SET ${FIX_TEXT.map((f) => `${f} = @${f}`).join(', ')}, fix_commands = @fix_commands, fix_key = @fix_key, system_info = @system_info, extra = @extra WHERE id = @id`);
    for (const f of fixes) {
      const next: Record<string, string | number> = { id: f.id! };
      for (const k of FIX_TEXT) next[k] = redactString(String(f[k]));
      const commands = (JSON.parse(String(f.fix_commands)) as string[]).map(redactString);
      next.fix_commands = JSON.stringify(commands);
      next.fix_key = fixKey(commands);
      next.system_info = JSON.stringify(redactDeep(JSON.parse(String(f.system_info))).value);
      next.extra = JSON.stringify(redactDeep(JSON.parse(String(f.extra))).value);
      const changed = [...FIX_TEXT, 'fix_commands', 'system_info', 'extra'].some((k) => next[k] !== f[k]);
      if (!changed) continue;
      report.fix_attempts.redacted++;
      if (!dryRun) updFix.run(next);
    }
    if (!dryRun && (report.commands.deleted || report.commands.redacted)) new ShellStore(db).rebuildAggregates();
    if (!dryRun && report.fix_attempts.redacted) rebuildAggregates(db);
  })();
  return report;
}
