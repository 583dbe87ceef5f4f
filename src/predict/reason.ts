// Human-readable evidence for a prediction: the feature group that contributed most to its score,
// phrased with the counts behind it, e.g. "followed `git add .` 42 times, 95% succeeded".
import type { Candidate } from './features.js';
import { commandName } from './normalize.js';
import type { Successor } from './types.js';
import { FEATURES, type FeatureName } from './weights.js';

type Group = 'args' | 'e1' | 'e2' | 't1' | 'n1' | 'freq' | 'trend' | 'back' | 'start' | 'cwd' | 'success';

/** Most specific first. */
const SPECIFICITY: Group[] = ['e2', 'e1', 'args', 'cwd', 'start', 't1', 'back', 'n1', 'trend', 'freq', 'success'];

const GROUP: Record<FeatureName, Group> = {
  wb: 'e1',
  e1_p: 'e1',
  e1_log: 'e1',
  gap_e1_p: 'e1',
  e2_p: 'e2',
  e2_log: 'e2',
  t1_p: 't1',
  t1_loc: 't1',
  t1_fill: 't1',
  n1_p: 'n1',
  n1_loc: 'n1',
  n2_p: 'n1',
  n2_loc: 'n1',
  arg_p: 'args',
  unseen: 'args',
  freq_log: 'freq',
  age_log: 'freq',
  trend_p: 'trend',
  back_1: 'back',
  back_2: 'back',
  back_3: 'back',
  back_4: 'back',
  back_5_8: 'back',
  success: 'success',
  start_p: 'start',
  cwd_p: 'cwd',
};

const quote = (s: string | undefined): string => {
  const one = (s ?? '').replace(/\s+/g, ' ');
  return '`' + (one.length > 60 ? one.slice(0, 57) + '...' : one) + '`';
};
const times = (n: number): string => (n === 1 ? 'once' : `${n} times`);

/**
 * "succeeded" only where an exit status is known: imported history has none, so a count made of
 * imported lines says nothing about success, and one made partly of them says of how many it knows.
 */
export function successNote(s: { count: number; successes: number; failures: number } | undefined): string {
  const known = s ? s.successes + s.failures : 0;
  if (!s || known === 0) return '';
  const share = `${Math.round((100 * s.successes) / known)}%`;
  return known >= s.count ? `, ${share} succeeded` : `, ${share} of the ${known} with an exit status succeeded`;
}

function transition(s: Successor, after: string, of?: number): string {
  const n = of && of > s.count ? `${s.count} of ${of} times` : times(s.count);
  return `followed ${after} ${n}${successNote(s)}`;
}

export function reason(c: Candidate, weights: ArrayLike<number>): string {
  const contrib = new Map<Group, number>();
  FEATURES.forEach((f, i) => {
    const g = GROUP[f];
    contrib.set(g, (contrib.get(g) ?? 0) + (c.features[i] ?? 0) * (weights[i] ?? 0));
  });
  // The most specific evidence that carries at least half the weight of the strongest: "followed
  // `git add .` 42 times" explains more than "`git` often follows `git`" even if the latter
  // sums slightly more.
  const best = Math.max(0, ...contrib.values());
  const ranked = [...contrib.entries()]
    .filter(([, v]) => v > 0)
    .sort((a, b) => {
      const strongA = a[1] >= best / 2 ? 0 : 1;
      const strongB = b[1] >= best / 2 ? 0 : 1;
      return strongA - strongB || SPECIFICITY.indexOf(a[0]) - SPECIFICITY.indexOf(b[0]) || b[1] - a[1];
    });
  const ev = c.evidence;
  const prevName = ev.prev1 === undefined ? '' : commandName(ev.prev1);
  for (const [group] of ranked) {
    switch (group) {
      case 'args':
        if (ev.args) return `reuses the arguments of ${quote(ev.prev1)}: \`${ev.args.item}\` followed \`${prevName} ...\` ${times(ev.args.count)}`;
        break;
      case 'e1':
        if (ev.e1) return transition(ev.e1, quote(ev.prev1), ev.ctx1?.count);
        break;
      case 'e2':
        if (ev.e2) return transition(ev.e2, `${quote(ev.prev2)} then ${quote(ev.prev1)}`);
        break;
      case 't1':
        if (ev.t1) return `${quote(c.template)} ${transition(ev.t1, `commands like ${quote(ev.prev1)}`)}`;
        break;
      case 'n1':
        if (ev.n1) return `\`${c.name}\` ${transition(ev.n1, `\`${prevName}\``)}`;
        break;
      case 'back':
        if (ev.back) return `you ran it ${ev.back} command${ev.back === 1 ? '' : 's'} ago`;
        break;
      case 'start':
        if (ev.start) return `started ${times(ev.start.count)} a session${successNote(ev.start)}`;
        break;
      case 'cwd':
        if (ev.cwd) return `run ${times(ev.cwd.count)} in this directory${successNote(ev.cwd)}`;
        break;
      case 'trend':
        if (ev.stats) return `frequent lately (${times(ev.stats.count)} in all${successNote(ev.stats)})`;
        break;
      case 'freq':
      case 'success':
        if (ev.stats) return `run ${times(ev.stats.count)}${successNote(ev.stats)}`;
        break;
    }
  }
  return ev.stats ? `run ${times(ev.stats.count)}${successNote(ev.stats)}` : 'seen before';
}
