// The init scripts rc files `source`: `<data dir>/init/mem.<shell>`, the text `mem init <shell>`
// prints, written by mem so that starting a shell never starts Node. They are kept current: a
// stamp beside them records the mem version, the paths of mem and Node, and the config file they
// were made from; mem compares it (one small read and a stat) whenever the ingester starts, when
// history is read, on `mem init` and on `mem config set/unset`, and rewrites the scripts when it
// differs. The scripts bake in the config file's values; MEM_* variables for those keys apply to
// the `eval "$(mem init zsh)"` form only (the environment of whichever mem process rewrites the
// scripts must not decide what every shell gets).
import { existsSync, readFileSync, renameSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadConfig } from '../config/config.js';
import { CONFIG_KEYS, envVarFor } from '../config/schema.js';
import type { Paths } from '../core/paths.js';
import { initScript, initSettings, SHELLS, type Shell } from './init.js';
import { makeDirs } from '../util/dirs.js';

/** What generating needs: the environment (for the config file) and the resolved paths. */
export interface InitPlace {
  env: NodeJS.ProcessEnv;
  paths: Pick<Paths, 'init' | 'config'>;
}

declare const MEM_VERSION: string;
/** The bundle defines MEM_VERSION; code run from source (tests of modules) has none. */
export const VERSION: string = typeof MEM_VERSION === 'string' ? MEM_VERSION : 'dev';

interface Stamp {
  version: string;
  bin: string;
  node: string;
  config: string;
}

export function scriptPath(p: Pick<Paths, 'init'>, shell: Shell): string {
  return join(p.init, `mem.${shell}`);
}

const stampPath = (p: Pick<Paths, 'init'>) => join(p.init, 'stamp.json');

function currentStamp(w: InitPlace, bin: string, node: string): Stamp {
  let config = 'none';
  try {
    const st = statSync(w.paths.config);
    config = `${st.mtimeMs}:${st.size}`;
  } catch {
    // no config file: defaults
  }
  return { version: VERSION, bin, node, config };
}

function readStamp(w: InitPlace): Stamp | null {
  try {
    return JSON.parse(readFileSync(stampPath(w.paths), 'utf8')) as Stamp;
  } catch {
    return null;
  }
}

/** The environment without MEM_* overrides of config keys: generated scripts use the file. */
function fileOnly(env: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  const out = { ...env };
  for (const k of CONFIG_KEYS) delete out[envVarFor(k.key)];
  return out;
}

/** Writes `text` to `path` unless it is already there (write, then rename). */
function writeIfChanged(path: string, text: string): boolean {
  try {
    if (readFileSync(path, 'utf8') === text) return false;
  } catch {
    // not there yet
  }
  const tmp = `${path}.${process.pid}.tmp`;
  writeFileSync(tmp, text, { mode: 0o644 });
  renameSync(tmp, path);
  return true;
}

function write(w: InitPlace, shells: readonly Shell[], bin: string, node: string): Shell[] {
  makeDirs(w.paths.init);
  const stamp = currentStamp(w, bin, node);
  const settings = initSettings(loadConfig(fileOnly(w.env)), bin, node);
  const changed = shells.filter((sh) => writeIfChanged(scriptPath(w.paths, sh), initScript(sh, settings)));
  writeIfChanged(stampPath(w.paths), JSON.stringify(stamp) + '\n');
  return changed;
}

/** Writes (or rewrites) the generated script for `shell`; returns its path. */
export function writeInitScript(w: InitPlace, shell: Shell, bin: string, node: string): string {
  const present = SHELLS.filter((sh) => sh === shell || existsSync(scriptPath(w.paths, sh)));
  write(w, present, bin, node);
  return scriptPath(w.paths, shell);
}

/**
 * Rewrites the generated scripts that exist if their stamp is out of date (or always, with
 * `force`). Scripts another installation of mem wrote are left to it while it exists. Returns the
 * shells whose script changed.
 */
export function refreshInitScripts(w: InitPlace, bin: string, node: string, force = false): Shell[] {
  const present = SHELLS.filter((sh) => existsSync(scriptPath(w.paths, sh)));
  if (!present.length) return [];
  const stamp = readStamp(w);
  if (stamp && stamp.bin !== bin && existsSync(stamp.bin)) return [];
  const now = currentStamp(w, bin, node);
  if (!force && stamp && stamp.version === now.version && stamp.bin === now.bin && stamp.node === now.node && stamp.config === now.config) return [];
  return write(w, present, bin, node);
}

/** refreshInitScripts for background callers: never throws (a broken config file is reported elsewhere). */
export function refreshInitScriptsQuietly(w: InitPlace, bin: string | null, node: string): void {
  if (!bin) return;
  try {
    refreshInitScripts(w, bin, node);
  } catch {
    // the scripts stay as they are; `mem doctor` checks them
  }
}
