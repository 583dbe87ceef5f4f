// The environment variables mem reads, listed under `mem --help`.
import { CONFIG_KEYS, envVarFor } from '../config/schema.js';

const ENV_VARS: [string, string][] = [
  ['MEM_DB', 'path of the store (overridden by --db)'],
  ['MEM_HOME', "mem's data directory: store, spool, backups (store: $MEM_HOME/mem.db)"],
  ['XDG_DATA_HOME', 'data directory base when MEM_HOME is unset (default ~/.local/share)'],
  ['MEM_CONFIG', 'path of the config file (default $XDG_CONFIG_HOME/mem/config.toml)'],
  ['XDG_CONFIG_HOME', 'config directory base (default ~/.config)'],
  ['MEM_SESSION', 'the current shell session id (set by the shell integration)'],
  ['MEM_DEBUG', 'set to 1 to print stack traces for internal errors'],
  ['NO_COLOR', 'disable colour'],
  ...CONFIG_KEYS.map((k): [string, string] => [envVarFor(k.key), `config ${k.key}: ${k.description}`]),
];
const pad = Math.max(...ENV_VARS.map(([n]) => n.length)) + 2;
export const ENV_HELP = `
Environment:
${ENV_VARS.map(([n, d]) => `  ${n.padEnd(pad)}${d}`).join('\n')}

Exit codes: 0 success, 1 failure, 2 bad usage or bad input.`;
