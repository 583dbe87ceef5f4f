// The shell section of `mem stats`, read from the maintained aggregates.
import type { Db } from '../../db/open.js';
import { isoDay } from '../../util/time.js';

export interface ShellStats {
  total_commands: number;
  unique_commands: number;
  failure_rate: number | null;
  sessions: number;
  top_commands: { name: string; count: number; failures: number }[];
  top_subcommands: { command: string; count: number; failures: number }[];
  activity_per_day: { day: string; count: number; failures: number }[];
}

export function shellStats(db: Db, now: number, top = 10, days = 30): ShellStats {
  const one = <T>(sql: string, ...p: unknown[]) => db.prepare(sql).get(...p) as T;
  const totals = one<{ count: number; failures: number; with_exit: number }>(
    'SELECT COALESCE(SUM(count), 0) AS count, COALESCE(SUM(failures), 0) AS failures, COALESCE(SUM(with_exit), 0) AS with_exit FROM command_daily',
  );
  const since = isoDay(now - (days - 1) * 86_400_000);
  const daily = new Map(
    (db.prepare('SELECT day, count, failures FROM command_daily WHERE day >= ?').all(since) as { day: string; count: number; failures: number }[]).map((d) => [d.day, d]),
  );
  return {
    total_commands: totals.count,
    unique_commands: one<{ n: number }>('SELECT COUNT(*) AS n FROM command_counts').n,
    failure_rate: totals.with_exit ? totals.failures / totals.with_exit : null,
    sessions: one<{ n: number }>('SELECT COUNT(*) AS n FROM shell_sessions').n,
    top_commands: db
      .prepare("SELECT name, count, failures FROM command_name_counts WHERE subcommand = '' ORDER BY count DESC, name LIMIT ?")
      .all(top) as ShellStats['top_commands'],
    top_subcommands: db
      .prepare("SELECT name || ' ' || subcommand AS command, count, failures FROM command_name_counts WHERE subcommand <> '' ORDER BY count DESC, command LIMIT ?")
      .all(top) as ShellStats['top_subcommands'],
    activity_per_day: Array.from({ length: days }, (_, i) => {
      const day = isoDay(now - (days - 1 - i) * 86_400_000);
      const d = daily.get(day);
      return { day, count: d?.count ?? 0, failures: d?.failures ?? 0 };
    }),
  };
}
