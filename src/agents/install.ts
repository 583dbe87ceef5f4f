// `mem hook install|uninstall <agent>`: mem's hook script written into the data directory, and its
// entries merged into the agent's hook settings (user-wide, or the project's with `project`). The
// file is read and parsed first: one that is not a JSON object is left untouched (a one-line
// error). A changed file is backed up beside itself first; an unchanged one is not written.
import { chmodSync, copyFileSync, existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { UsageError } from '../errors.js';
import { AGENTS, type Agent } from '../shell/agent-payload.js';
import { isObj } from '../util/json.js';
import { lineDiff } from './diff.js';
import { hookPlan, installedIn, withMem, withoutMem } from './settings.js';
import { makeDirs } from '../util/dirs.js';

export interface HookPlace {
  env: NodeJS.ProcessEnv;
  cwd: string;
  dataDir: string;
  now: number;
  /** The paths baked into the hook script (mem's executable and node). */
  bin: string;
  node: string;
}

export interface HookOptions {
  /** The project's settings (under the current directory) instead of the user's. */
  project?: boolean;
  /** Claude Code: answer a failed command with what fixed it before. */
  recall?: boolean;
  /** Show the change, write nothing. */
  dryRun?: boolean;
}

export interface HookResult {
  agent: Agent;
  file: string;
  action: 'installed' | 'updated' | 'removed' | 'unchanged';
  /** mem's events in the file afterwards. */
  events: string[];
  recall: boolean;
  backup: string | null;
  script: string;
  dry_run: boolean;
  /** Lines of the file that change: '-' removed, '+' added (with --dry-run, and always in --json). */
  diff: string[];
}

export function parseAgent(name: string): Agent {
  if ((AGENTS as readonly string[]).includes(name)) return name as Agent;
  throw new UsageError(`unknown agent '${name}': give ${AGENTS.join(', ')}`, 'usage', 'agent');
}

/** Where the agent keeps its hooks. */
export function settingsFile(agent: Agent, place: Pick<HookPlace, 'env' | 'cwd'>, project: boolean): string {
  const home = place.env.HOME ?? '';
  const base = project ? place.cwd : home;
  if (agent === 'claude-code') return project ? join(base, '.claude', 'settings.json') : join(place.env.CLAUDE_CONFIG_DIR || join(home, '.claude'), 'settings.json');
  if (agent === 'codex') return project ? join(base, '.codex', 'hooks.json') : join(place.env.CODEX_HOME || join(home, '.codex'), 'hooks.json');
  return join(base, '.cursor', 'hooks.json');
}

export const hookScriptPath = (dataDir: string) => join(dataDir, 'hooks', 'mem-agent.sh');

export function install(place: HookPlace, agent: Agent, o: HookOptions = {}): HookResult {
  if (o.recall && agent !== 'claude-code') throw new UsageError(`--recall works with claude-code only (${agent} has no hook answer for a failed command mem can use)`, 'usage', 'recall');
  const script = hookScriptPath(place.dataDir);
  return change(place, agent, o, script, (s) => withMem(s, hookPlan(agent, script, Boolean(o.recall)), agent));
}

export function uninstall(place: HookPlace, agent: Agent, o: HookOptions = {}): HookResult {
  return change(place, agent, o, hookScriptPath(place.dataDir), withoutMem);
}

function change(place: HookPlace, agent: Agent, o: HookOptions, script: string, edit: (s: Record<string, unknown>) => Record<string, unknown>): HookResult {
  const file = settingsFile(agent, place, Boolean(o.project));
  const { settings, text, indent } = readSettings(file);
  const next = edit(settings);
  const nextText = JSON.stringify(next, null, indent) + '\n';
  const same = JSON.stringify(next) === JSON.stringify(settings);
  const now = installedIn(next);
  const had = installedIn(settings).events.length > 0;
  const result: HookResult = {
    agent,
    file,
    action: same ? 'unchanged' : now.events.length === 0 ? 'removed' : had ? 'updated' : 'installed',
    events: now.events,
    recall: now.recall,
    backup: null,
    script,
    dry_run: Boolean(o.dryRun),
    diff: same ? [] : lineDiff(text ?? '', nextText),
  };
  if (o.dryRun) return result;
  if (now.events.length) writeScript(place, script);
  if (!same) result.backup = writeSettings(file, text, nextText, place.now);
  return result;
}

function readSettings(file: string): { settings: Record<string, unknown>; text: string | null; indent: number | string } {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return { settings: {}, text: null, indent: 2 };
    throw new UsageError(`cannot read ${file}: ${(err as Error).message}`);
  }
  if (!text.trim()) return { settings: {}, text, indent: 2 };
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (err) {
    throw new UsageError(`${file} is not valid JSON (${(err as Error).message.split('\n')[0]}); fix it and run this again (it was left as it is)`, 'bad_input');
  }
  if (!isObj(value)) throw new UsageError(`${file} does not hold a JSON object; fix it and run this again (it was left as it is)`, 'bad_input');
  if (value.hooks !== undefined && !isObj(value.hooks)) throw new UsageError(`${file}: "hooks" is not an object; fix it and run this again (it was left as it is)`, 'bad_input');
  const m = /^[{[]\s*\n([ \t]+)/.exec(text);
  return { settings: value, text, indent: m ? m[1]! : 2 };
}

/** Backs the file up, then replaces it whole (write beside it, rename): never half-written. */
function writeSettings(file: string, before: string | null, text: string, now: number): string | null {
  let backup: string | null = null;
  if (before !== null) {
    const stamp = new Date(now).toISOString().replace(/[-:]/g, '').replace(/\..*$/, '');
    backup = `${file}.mem-backup-${stamp}`;
    copyFileSync(file, backup);
  } else makeDirs(dirname(file), 0o777);
  const tmp = `${file}.mem-${process.pid}.tmp`;
  writeFileSync(tmp, text, { mode: 0o600 });
  renameSync(tmp, file);
  return backup;
}

const q = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`;

/** The hook script with this installation's paths baked in (the agent's environment may differ). */
export function hookScript(place: Pick<HookPlace, 'dataDir' | 'bin' | 'node'>): string {
  const template = readFileSync(new URL('../shell-hooks/mem-agent.sh', import.meta.url), 'utf8');
  const settings = [`__mem_dir=${q(place.dataDir)}`, `__mem_node=${q(place.node)}`, `__mem_bin=${q(place.bin)}`].join('\n');
  return template.replace(/^# @MEM_SETTINGS@.*$/m, settings);
}

function writeScript(place: HookPlace, script: string): void {
  makeDirs(dirname(script));
  const text = hookScript(place);
  if (existsSync(script) && readFileSync(script, 'utf8') === text) return;
  const tmp = `${script}.${process.pid}.tmp`;
  writeFileSync(tmp, text, { mode: 0o755 });
  chmodSync(tmp, 0o755);
  renameSync(tmp, script);
}
