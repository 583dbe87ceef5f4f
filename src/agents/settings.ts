// mem's entries in an agent's hook settings, added and removed without touching anything else.
// Pure functions over parsed JSON: the caller reads, backs up and writes the file.
//  - Claude Code (settings.json) and Codex (hooks.json) share a shape:
//      {"hooks": {"<Event>": [{"matcher": "Bash", "hooks": [{"type": "command", "command": "...", ...}]}]}}
//  - Cursor (hooks.json): {"version": 1, "hooks": {"<event>": [{"command": "..."}]}}
// mem's entries are the ones whose command runs mem's hook script (MARKER); each install removes
// them first and adds them again, so running it twice changes nothing.
import type { Agent } from '../shell/agent-payload.js';
import { isObj } from '../util/json.js';

export const MARKER = 'mem-agent.sh';

type Obj = Record<string, unknown>;

export interface HookPlan {
  /** Event name → the handler objects mem adds for it. */
  entries: [event: string, handler: Obj][];
  /** Claude Code and Codex group handlers under a tool matcher; Cursor lists them flat. */
  grouped: boolean;
}

const sh = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`;

/** What mem installs for an agent, running `script`. */
export function hookPlan(agent: Agent, script: string, recall: boolean): HookPlan {
  const run = (extra = '') => `sh ${sh(script)} ${agent}${extra}`;
  if (agent === 'cursor') return { grouped: false, entries: [['afterShellExecution', { command: run() }]] };
  // Capture never holds the agent up (async); a recall answer must be waited for.
  const capture = { type: 'command', command: run(), timeout: 10, async: true };
  if (agent === 'codex') {
    return { grouped: true, entries: [['PreToolUse', capture], ['PostToolUse', capture]] };
  }
  return {
    grouped: true,
    entries: [
      ['PreToolUse', capture],
      ['PostToolUse', capture],
      ['PostToolUseFailure', recall ? { type: 'command', command: run(' --recall'), timeout: 5 } : capture],
    ],
  };
}

const isOurs = (h: unknown) => isObj(h) && typeof h.command === 'string' && h.command.includes(MARKER);

/** The settings without mem's entries (other hooks, and every other key, as they were). */
export function withoutMem(settings: Obj): Obj {
  if (!isObj(settings.hooks)) return settings;
  const hooks: Obj = {};
  let changed = false;
  for (const [event, list] of Object.entries(settings.hooks)) {
    if (!Array.isArray(list)) {
      hooks[event] = list;
      continue;
    }
    const kept: unknown[] = [];
    for (const item of list) {
      if (isOurs(item)) {
        changed = true;
        continue;
      }
      if (isObj(item) && Array.isArray(item.hooks) && item.hooks.some(isOurs)) {
        changed = true;
        const rest = item.hooks.filter((h) => !isOurs(h));
        if (rest.length) kept.push({ ...item, hooks: rest });
        continue;
      }
      kept.push(item);
    }
    if (kept.length || !list.length) hooks[event] = kept;
  }
  if (!changed) return settings;
  if (Object.keys(hooks).length) return { ...settings, hooks };
  const { hooks: _gone, ...rest } = settings;
  return rest;
}

/** The settings with mem's entries (replacing any mem put there before). */
export function withMem(settings: Obj, plan: HookPlan, agent: Agent): Obj {
  const base = withoutMem(settings);
  const hooks: Obj = isObj(base.hooks) ? { ...base.hooks } : {};
  for (const [event, handler] of plan.entries) {
    const list = Array.isArray(hooks[event]) ? [...(hooks[event] as unknown[])] : [];
    list.push(plan.grouped ? { matcher: 'Bash', hooks: [handler] } : handler);
    hooks[event] = list;
  }
  const out: Obj = { ...base, hooks };
  if (agent === 'cursor' && out.version === undefined) return { version: 1, ...out };
  return out;
}

/** mem's entries in the settings: which events run its hook, and whether recall is on. */
export function installedIn(settings: Obj): { events: string[]; recall: boolean } {
  const events: string[] = [];
  let recall = false;
  if (!isObj(settings.hooks)) return { events, recall };
  for (const [event, list] of Object.entries(settings.hooks)) {
    if (!Array.isArray(list)) continue;
    const handlers = (list as unknown[]).flatMap((item): unknown[] => (isObj(item) && Array.isArray(item.hooks) ? (item.hooks as unknown[]) : [item])).filter(isOurs) as Obj[];
    if (handlers.length) events.push(event);
    if (handlers.some((h) => String(h.command).includes('--recall'))) recall = true;
  }
  return { events, recall };
}
