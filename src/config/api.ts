// Configuration in the core API: every key with its value and origin, and writes to the file.
import type { World } from '../core/world.js';
import { UsageError } from '../errors.js';
import { refreshInitScriptsNow } from '../shell/upkeep.js';
import { loadConfig, setConfigValue, type Source } from './config.js';
import { findKey, type ConfigValue } from './schema.js';

export interface ConfigEntry {
  key: string;
  value: ConfigValue;
  source: Source;
  description: string;
}

export interface ConfigApi {
  /** The config file's path. */
  readonly path: string;
  entries(): ConfigEntry[];
  get(key: string): ConfigEntry;
  /** Validates the value and writes it to the config file; the whole file must still validate. */
  set(key: string, value: string): ConfigValue | undefined;
  unset(key: string): void;
}

export function configApi(world: World): ConfigApi {
  return {
    path: world.config.path,
    entries: () => world.config.entries(),
    get(key) {
      if (!findKey(key)) throw new UsageError(`unknown config key '${key}' (see \`mem config list\`)`, 'bad_config');
      return world.config.entries().find((x) => x.key === key)!;
    },
    set(key, value) {
      const stored = setConfigValue(world.env, key, value);
      loadConfig(world.env);
      refreshInitScriptsNow(world); // the generated shell scripts bake some settings in
      return stored;
    },
    unset(key) {
      setConfigValue(world.env, key, undefined);
      refreshInitScriptsNow(world);
    },
  };
}
