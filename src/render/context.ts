// The block an AI fixer pastes into its prompt: plain Markdown, no colour, stable wording.
import type { FixContext, Outcome } from '../fixes/context.js';
import type { FixStrategy } from '../fixes/store/insights.js';
import { pct, safe } from './style.js';

const cmds = (c: string[]) => (c.length ? c.map((x) => `\`${safe(x)}\``).join(' && ') : '(no commands)');
const ratio = (s: FixStrategy) => `${s.successes}/${s.successes + s.failures} succeeded`;

function outcomes(list: Outcome[]): string[] {
  return list.map((o, i) => {
    const head = `${i + 1}. [${o.timestamp.slice(0, 10)}, ${safe(o.model)}, ${safe(o.fixer_type)}] ${cmds(o.fix_commands)}`;
    const verified = o.verification_success === null ? '' : o.verification_success ? ' (verified)' : ' (verification failed)';
    const analysis = o.analysis ? `\n   Analysis: ${safe(o.analysis).replace(/\s+/g, ' ')}` : '';
    return head + verified + analysis;
  });
}

export function renderContext(c: FixContext): string {
  const { issue } = c;
  const out: string[] = [];
  out.push(`## Fix history from mem: ${issue.issue_type}${issue.model ? ` on ${safe(issue.model)}` : ''}`);
  if (issue.issue_signature) out.push(`Issue signature: ${issue.issue_signature}`);

  const m = c.model_history;
  out.push('', `### Model ${issue.model ? safe(issue.model) : '(not given)'}`);
  if (!m) out.push(issue.model ? '- No previous attempts with this model.' : '- No model given.');
  else {
    out.push(`- ${m.total_tests} fix attempts, ${pct(m.success_rate)} succeeded; last seen ${m.last_updated?.slice(0, 10)}`);
    if (m.common_issues.length) out.push(`- Common issues: ${m.common_issues.map((i) => `${i.issue_type} (${i.occurrences}, ${pct(i.success_rate)} fixed)`).join(', ')}`);
    if (m.effective_fixes.length) out.push(`- Fixes that worked for this model: ${m.effective_fixes.map((f) => `${cmds(f.fix_commands)} (${ratio(f)})`).join('; ')}`);
    if (m.notes) out.push(`- Notes: ${safe(m.notes)}`);
  }

  out.push('', '### This issue');
  const p = c.pattern;
  if (!p) out.push('- Not seen before.');
  else {
    out.push(`- Seen ${p.attempts} times since ${p.first_seen?.slice(0, 10)}, ${pct(p.success_rate)} fixed (confidence ${p.confidence.toFixed(2)})`);
    if (p.best_fix) out.push(`- Best known fix: ${cmds(p.best_fix)}`);
  }
  const r = c.success_rates;
  out.push(`- Success rates: this issue ${pct(r.this_issue)}, this model ${pct(r.this_model)}, ${issue.issue_type} on all models ${pct(r.issue_type_all_models)}`);

  out.push('', '### What worked before');
  out.push(...(c.what_worked.length ? outcomes(c.what_worked) : ['- Nothing recorded yet.']));
  out.push('', '### What failed before (avoid repeating)');
  out.push(...(c.what_failed.length ? outcomes(c.what_failed) : ['- Nothing recorded yet.']));
  out.push('', `### Effective strategies for ${issue.issue_type} (all models)`);
  out.push(...(c.strategies.length ? c.strategies.map((s) => `- ${cmds(s.fix_commands)}: ${ratio(s)}`) : ['- None recorded yet.']));
  return out.join('\n');
}
