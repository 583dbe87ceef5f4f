// Tables and charts for fix-attempt commands. Pure: data in, string out.
import type { ResolvedIssue, SimilarIssues } from '../fixes/context.js';
import type { IssuePattern, ModelInsight, TypeStrategies } from '../fixes/store/insights.js';
import type { FixStats } from '../fixes/store/stats.js';
import type { FixAttempt } from '../fixes/store/attempts.js';
import { ago, bar, pct, rateColor, safe, sparkline, table, truncate, type Style } from './style.js';

const status = (s: Style, ok: boolean) => (ok ? s.green('✓ fixed') : s.red('✗ failed'));
const commands = (c: string[] | null, max = 60) => (c && c.length ? truncate(c.join(' && '), max) : '—');

export function renderAttempts(s: Style, attempts: FixAttempt[], now: number): string {
  if (!attempts.length) return s.dim('no fix attempts');
  return table(
    s,
    ['#', 'when', 'status', 'model', 'issue', 'fixer', 'fix', 'time'],
    attempts.map((a) => [
      a.id,
      ago(Date.parse(a.timestamp), now),
      status(s, a.fix_success) + (a.verification_success === false ? s.yellow(' (verification failed)') : ''),
      truncate(a.model, 24),
      a.issue_type,
      a.fixer_type,
      commands(a.fix_commands, 40),
      a.execution_time === null ? '—' : `${a.execution_time.toFixed(1)}s`,
    ]),
  );
}

export function renderSimilar(s: Style, issue: ResolvedIssue, sim: SimilarIssues, now: number): string {
  const parts = [s.bold(`Similar to ${truncate(issue.issue_type, 30)}${issue.model ? ` on ${truncate(issue.model, 24)}` : ''}`) + (issue.issue_signature ? s.dim(` (signature ${issue.issue_signature})`) : '')];
  const section = (title: string, list: FixAttempt[]) => parts.push('', s.bold(`${title} (${list.length})`), renderAttempts(s, list, now));
  section('Exact matches: same signature', sim.exact_matches);
  section('Same model and issue type', sim.model_matches);
  section('Same issue type, other models', sim.type_matches);
  return parts.join('\n');
}

export function renderPatterns(s: Style, patterns: IssuePattern[], now: number): string {
  if (!patterns.length) return s.dim('no issue patterns yet: record fix attempts with `mem fix record`');
  return table(
    s,
    ['pattern', 'signature', 'seen', 'fixed', 'confidence', 'best fix', 'last seen'],
    patterns.map((p) => [
      truncate(p.name, 50),
      s.dim(p.issue_signature),
      p.attempts,
      rateColor(s, p.success_rate ?? 0, pct(p.success_rate)),
      `${bar(p.confidence, 1, 10).padEnd(10)} ${p.confidence.toFixed(2)}`,
      commands(p.best_fix, 40),
      p.last_seen ? ago(Date.parse(p.last_seen), now) : '—',
    ]),
    ['left', 'left', 'right', 'right', 'left', 'left', 'left'],
  );
}

export function renderSuccessful(s: Style, types: TypeStrategies[]): string {
  if (!types.length) return s.dim('no fix attempts yet');
  return types
    .map((t) => {
      const head = `${s.bold(t.issue_type)}  ${t.successes}/${t.attempts} fixed (${pct(t.success_rate)})`;
      const lines = t.strategies.length
        ? t.strategies.map((st, i) => `  ${i + 1}. ${commands(st.fix_commands, 70)}  ${s.green(`${st.successes}✓`)} ${s.red(`${st.failures}✗`)}  ${pct(st.success_rate)}`)
        : [s.dim('  no successful fix recorded')];
      return [head, ...lines].join('\n');
    })
    .join('\n\n');
}

export function renderModel(s: Style, m: ModelInsight, recent: FixAttempt[], now: number): string {
  const out = [
    `${s.bold(safe(m.model))} ${s.dim(`(family ${m.model_family})`)}`,
    `  ${m.total_tests} attempts, ${rateColor(s, m.success_rate, pct(m.success_rate))} fixed  ${bar(m.success_rate, 1, 20)}`,
    `  first seen ${m.first_seen?.slice(0, 10)}, last ${m.last_updated?.slice(0, 10)}`,
  ];
  if (m.notes) out.push(`  notes: ${safe(m.notes)}`);
  if (m.common_issues.length) {
    const max = Math.max(...m.common_issues.map((i) => i.occurrences));
    out.push('', s.bold('Common issues'));
    for (const i of m.common_issues) out.push(`  ${i.issue_type.padEnd(22)} ${bar(i.occurrences, max, 20).padEnd(20)} ${String(i.occurrences).padStart(5)}  ${pct(i.success_rate)} fixed`);
  }
  if (m.effective_fixes.length) {
    out.push('', s.bold('Effective fixes'));
    for (const f of m.effective_fixes) out.push(`  ${commands(f.fix_commands, 70)}  ${f.successes}/${f.successes + f.failures}`);
  }
  out.push('', s.bold('Recent attempts'), renderAttempts(s, recent, now));
  return out.join('\n');
}

export function renderFixStats(s: Style, st: FixStats): string {
  const f = st.fixes;
  const out = [
    s.bold('Fix attempts'),
    `  total ${f.total_fixes_attempted}, fixed ${f.successful_fixes} (${rateColor(s, f.success_rate, pct(f.success_rate))}), last 7 days ${f.recent_activity_7days}`,
    `  ${f.models_encountered} models, ${f.issue_types_seen} issue types, ${f.knowledge_base_size} issue patterns`,
    `  store in ${f.memory_directory}`,
    `  last 30 days ${s.cyan(sparkline(st.daily_trend.map((d) => d.attempts)))} (${st.daily_trend.reduce((a, d) => a + d.attempts, 0)} attempts)`,
  ];
  if (st.by_fixer_type.length) {
    const max = Math.max(...st.by_fixer_type.map((x) => x.attempts));
    out.push('', s.bold('By fixer'));
    for (const x of st.by_fixer_type) out.push(`  ${truncate(x.fixer_type, 14).padEnd(14)} ${bar(x.attempts, max).padEnd(20)} ${String(x.attempts).padStart(7)}  ${rateColor(s, x.success_rate, pct(x.success_rate).padStart(6))}`);
  }
  if (st.by_issue_type.length) {
    const max = Math.max(...st.by_issue_type.map((x) => x.occurrences));
    out.push('', s.bold('By issue type'));
    for (const x of st.by_issue_type) {
      const t = x.avg_fix_time === null ? '—' : `${x.avg_fix_time.toFixed(1)}s`;
      out.push(`  ${truncate(x.issue_type, 22).padEnd(22)} ${bar(x.occurrences, max).padEnd(20)} ${String(x.occurrences).padStart(7)}  ${rateColor(s, x.success_rate, pct(x.success_rate).padStart(6))}  avg ${t}`);
    }
  }
  return out.join('\n');
}
