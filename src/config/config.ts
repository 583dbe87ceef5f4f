// Configuration is resolved in one place: defaults, then the TOML file, then MEM_* environment
// variables, then flags. It is validated once, and an error names the key (and where it came from).
import { existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, join } from 'node:path';
import { parse, stringify } from 'smol-toml';
import { UsageError } from '../errors.js';
import { oneLine, unsafeReason } from '../util/safe-regex.js';
import { CONFIG_KEYS, envVarFor, findKey, type ConfigValue, type KeySpec } from './schema.js';
import { makeDirs } from '../util/dirs.js';

export type Source = 'default' | 'file' | 'env' | 'flag';

export interface Config {
  path: string;
  get<T extends ConfigValue>(key: string): T;
  entries(): { key: string; value: ConfigValue; source: Source; description: string }[];
  /** Values in effect that cannot be used as written (a regex that could hang): reported, and ignored by their user. */
  problems(): ConfigProblem[];
}

/**
 * A regex from the file or the environment that cannot be used. It does not make every command
 * fail (the ingester must keep capturing): the value is kept as written, its user skips the
 * pattern, commands report it and `mem doctor` flags it. `mem config set` and flags refuse it.
 */
export interface ConfigProblem {
  key: string;
  /** Where the value came from: the config file's path or `$MEM_...`. */
  origin: string;
  pattern: string;
  why: string;
  /** One line for people: `config KEY (ORIGIN): 'PATTERN' WHY; ignored`. */
  message: string;
}

const REGEX_MAX = 1000;

/** Why a regex of the history filters cannot be used as written, or null. */
export function regexProblem(source: string): string | null {
  if (source.length > REGEX_MAX) return `is ${source.length} characters; the limit is ${REGEX_MAX}`;
  try {
    new RegExp(source);
  } catch (err) {
    return `is not a valid regular expression: ${(err as Error).message.replace(/^Invalid regular expression: /, '')}`;
  }
  const why = unsafeReason(source);
  return why ? `could take exponential time (${why}); rewrite it without that` : null;
}

export function configPath(env: NodeJS.ProcessEnv): string {
  if (env.MEM_CONFIG) return env.MEM_CONFIG;
  const base = env.XDG_CONFIG_HOME || join(env.HOME || homedir(), '.config');
  return join(base, 'mem', 'config.toml');
}

/**
 * Coerces text or TOML values to the key's type; throws naming the key and origin. With `problems`
 * (file and environment), a regex that cannot be used is noted there instead of thrown.
 */
export function coerce(spec: KeySpec, raw: unknown, origin: string, problems?: ConfigProblem[]): ConfigValue {
  const fail = (why: string): never => {
    throw new UsageError(`config ${spec.key} (${origin}): ${why}`, 'bad_config');
  };
  switch (spec.type) {
    case 'int': {
      const n = typeof raw === 'number' ? raw : typeof raw === 'string' && /^-?\d+$/.test(raw.trim()) ? Number(raw) : NaN;
      if (!Number.isInteger(n)) fail(`expected an integer, got '${String(raw)}'`);
      if (spec.min !== undefined && n < spec.min) fail(`must be at least ${spec.min}`);
      if (spec.max !== undefined && n > spec.max) fail(`must be at most ${spec.max}`);
      return n;
    }
    case 'bool': {
      if (typeof raw === 'boolean') return raw;
      const s = String(raw).trim().toLowerCase();
      if (['1', 'true', 'yes', 'on'].includes(s)) return true;
      if (['0', 'false', 'no', 'off'].includes(s)) return false;
      return fail(`expected true or false, got '${String(raw)}'`);
    }
    case 'enum': {
      const s = String(raw);
      if (!spec.values!.includes(s)) fail(`expected one of ${spec.values!.join(', ')}, got '${s}'`);
      return s;
    }
    case 'duration': {
      const s = String(raw).trim();
      if (!/^\d+(\.\d+)?[smhdw]?$/i.test(s)) fail(`expected a duration such as 30d or 12h, got '${s}'`);
      return s;
    }
    case 'regexlist': {
      const list = coerce({ ...spec, type: 'list' }, raw, origin) as string[];
      for (const r of list) {
        const why = regexProblem(r);
        if (!why) continue;
        if (!problems) fail(`'${oneLine(r)}' ${why}`);
        problems!.push({ key: spec.key, origin, pattern: r, why, message: `config ${spec.key} (${origin}): '${oneLine(r)}' ${why.replace(/; rewrite it without that$/, '')}; ignored` });
      }
      return list;
    }
    case 'list': {
      if (Array.isArray(raw) && raw.every((x) => typeof x === 'string')) return raw;
      if (typeof raw === 'string') return raw.split(',').map((x) => x.trim()).filter(Boolean);
      return fail('expected a list of strings');
    }
    case 'string':
      if (typeof raw !== 'string') fail(`expected a string, got ${typeof raw}`);
      return raw as string;
  }
}

function readFile(path: string): Record<string, unknown> {
  if (!existsSync(path)) return {};
  try {
    return parse(readFileSync(path, 'utf8'));
  } catch (err) {
    const msg = (err as Error).message.split('\n')[0];
    throw new UsageError(`config file ${path} is not valid TOML: ${msg}`, 'bad_config');
  }
}

/** Flattens `{store: {busy_timeout_ms: 1}}` into `store.busy_timeout_ms`. */
function flatten(obj: Record<string, unknown>, prefix = ''): Map<string, unknown> {
  const out = new Map<string, unknown>();
  for (const [k, v] of Object.entries(obj)) {
    const key = prefix ? `${prefix}.${k}` : k;
    if (v && typeof v === 'object' && !Array.isArray(v)) for (const [kk, vv] of flatten(v as Record<string, unknown>, key)) out.set(kk, vv);
    else out.set(key, v);
  }
  return out;
}

export function loadConfig(env: NodeJS.ProcessEnv, flags: Record<string, unknown> = {}): Config {
  const path = configPath(env);
  const values = new Map<string, { value: ConfigValue; source: Source; problems?: ConfigProblem[] }>();
  for (const spec of CONFIG_KEYS) values.set(spec.key, { value: spec.default, source: 'default' });

  for (const [key, raw] of flatten(readFile(path))) {
    const spec = findKey(key);
    if (!spec) throw new UsageError(`config ${key} (${path}): unknown key`, 'bad_config');
    const problems: ConfigProblem[] = [];
    values.set(key, { value: coerce(spec, raw, path, problems), source: 'file', problems });
  }
  for (const spec of CONFIG_KEYS) {
    const name = envVarFor(spec.key);
    const raw = env[name];
    const problems: ConfigProblem[] = [];
    if (raw !== undefined && raw !== '') values.set(spec.key, { value: coerce(spec, raw, `$${name}`, problems), source: 'env', problems });
  }
  for (const [key, raw] of Object.entries(flags)) {
    const spec = findKey(key);
    if (spec && raw !== undefined) values.set(key, { value: coerce(spec, raw, 'flag'), source: 'flag' });
  }

  return {
    path,
    get<T extends ConfigValue>(key: string): T {
      const entry = values.get(key);
      if (!entry) throw new Error(`unknown config key ${key}`);
      return entry.value as T;
    },
    entries: () =>
      CONFIG_KEYS.map((s) => {
        const { value, source } = values.get(s.key)!;
        return { key: s.key, value, source, description: s.description };
      }),
    problems: () => CONFIG_KEYS.flatMap((s) => values.get(s.key)!.problems ?? []),
  };
}

/** Validates and writes one key to the config file (atomically: temp file, then rename). */
export function setConfigValue(env: NodeJS.ProcessEnv, key: string, raw: string | undefined): ConfigValue | undefined {
  const spec = findKey(key);
  if (!spec) throw new UsageError(`unknown config key '${key}' (see \`mem config list\`)`, 'bad_config');
  const path = configPath(env);
  const doc = readFile(path);
  const parts = key.split('.');
  let node = doc;
  for (const p of parts.slice(0, -1)) node = (node[p] ??= {}) as Record<string, unknown>;
  const leaf = parts[parts.length - 1]!;
  const value = raw === undefined ? undefined : coerce(spec, raw, 'value');
  if (value === undefined) delete node[leaf];
  else node[leaf] = value;
  makeDirs(dirname(path));
  const tmp = `${path}.${process.pid}.tmp`;
  writeFileSync(tmp, stringify(doc) + '\n', { mode: 0o600 });
  renameSync(tmp, path);
  return value;
}
