// One flag for outcomes, recorded or filtered on: `--outcome success|failure`. The older
// spellings stay as hidden aliases: --success and --failure (records), --failed and
// --success-only (filters). Saying two different outcomes at once is a usage error.
import { Option } from '@commander-js/extra-typings';
import { UsageError } from '../errors.js';
import type { Outcome } from '../util/outcome.js';

export const outcomeOption = (help: string) => new Option('--outcome <outcome>', help).choices(['success', 'failure'] as const);
export const hiddenFlag = (flag: string) => new Option(flag).hideHelp();

interface OutcomeFlags {
  outcome?: Outcome;
  success?: true;
  failure?: true;
  failed?: true;
  successOnly?: true;
}

export function outcomeOf(opts: OutcomeFlags): Outcome | undefined {
  const said: [string, Outcome][] = [];
  if (opts.outcome) said.push([`--outcome ${opts.outcome}`, opts.outcome]);
  if (opts.success) said.push(['--success', 'success']);
  if (opts.successOnly) said.push(['--success-only', 'success']);
  if (opts.failure) said.push(['--failure', 'failure']);
  if (opts.failed) said.push(['--failed', 'failure']);
  if (new Set(said.map(([, o]) => o)).size > 1) throw new UsageError(`${said.map(([f]) => f).join(' and ')} contradict each other`);
  return said[0]?.[1];
}
