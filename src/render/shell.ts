// Renderers for shell memory: history lines and the shell section of stats.
import type { InstallResult } from '../shell/install.js';
import type { ShellStats } from '../shell/store/stats.js';
import type { HistoryRow } from '../shell/store/commands.js';
import { bar, pct, safe, sparkline, type Style } from './style.js';

function duration(ms: number | null): string {
  if (ms === null) return '';
  if (ms < 1000) return `${ms}ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(1)}s`;
  return `${Math.floor(ms / 60_000)}m${Math.round((ms % 60_000) / 1000)}s`;
}

export function renderHistory(s: Style, rows: HistoryRow[], now: number): string {
  if (!rows.length) return s.dim('no commands recorded yet (eval "$(mem init zsh)" to start, or mem import-history)');
  const today = new Date(now).toISOString().slice(0, 10);
  return rows
    .map((r) => {
      const when = r.timestamp.slice(0, 10) === today ? r.timestamp.slice(11, 19) : `${r.timestamp.slice(0, 10)} ${r.timestamp.slice(11, 16)}`;
      const exit = r.exit_code === null ? s.dim('  ·') : r.exit_code === 0 ? s.green('  0') : s.red(String(r.exit_code).padStart(3));
      const cmd = safe(r.command).replace(/\n/g, '\n' + ' '.repeat(31));
      // An agent's command says whose it is (and why, when the agent said).
      const who = r.author_kind === 'agent' ? s.magenta(`[${safe(r.author ?? 'agent')}] `) : '';
      const why = r.intent ? s.dim(`  — ${safe(r.intent).replace(/\s+/g, ' ').slice(0, 80)}`) : '';
      return `${s.dim(when.padEnd(16))} ${exit} ${s.dim(duration(r.duration_ms).padStart(7))}  ${who}${cmd}${r.cwd ? s.dim(`  # ${safe(r.cwd)}`) : ''}${why}`;
    })
    .join('\n');
}

export function renderShellStats(s: Style, st: ShellStats): string {
  const out = [
    s.bold('Shell'),
    `  ${st.total_commands} commands, ${st.unique_commands} unique, ${st.sessions} sessions, failure rate ${pct(st.failure_rate)}`,
    `  last 30 days ${s.cyan(sparkline(st.activity_per_day.map((d) => d.count)))}`,
  ];
  const chart = (title: string, rows: { label: string; count: number }[]) => {
    if (!rows.length) return;
    const max = Math.max(...rows.map((r) => r.count));
    out.push('', s.bold(title));
    for (const r of rows) out.push(`  ${safe(r.label).slice(0, 24).padEnd(24)} ${bar(r.count, max).padEnd(20)} ${String(r.count).padStart(8)}`);
  };
  chart('Top commands', st.top_commands.map((c) => ({ label: c.name, count: c.count })));
  chart('Top subcommands', st.top_subcommands.map((c) => ({ label: c.command, count: c.count })));
  return out.join('\n');
}

/** What `mem init --install` did, for people. */
export function installMessage(r: InstallResult): string {
  const lines =
    r.action === 'unchanged'
      ? [`already installed in ${r.file} (it loads ${r.script}, now up to date)`]
      : [
          r.action === 'migrated' ? `${r.file}: now loads ${r.script} instead of running \`mem init ${r.shell}\` at every shell start` : `${r.file}: loads ${r.script}`,
          ...(r.backup ? [`backup: ${r.backup}`] : []),
          'open a new shell to start recording',
        ];
  for (const f of r.also) lines.push(`removed the \`mem init ${r.shell} | source\` line from ${f} (the conf.d file replaces it)`);
  for (const k of r.kept) lines.push(`left as it was (not recognised well enough to rewrite): ${k}`);
  return lines.join('\n');
}
