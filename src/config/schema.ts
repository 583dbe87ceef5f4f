// Every configuration key mem knows, with its type, default and the MEM_* variable that overrides
// it. Later capabilities add their keys here; nothing else declares configuration.

export type KeyType = 'string' | 'int' | 'bool' | 'enum' | 'duration' | 'list' | 'regexlist';

export interface KeySpec {
  key: string;
  type: KeyType;
  default: ConfigValue;
  description: string;
  values?: readonly string[];
  min?: number;
  max?: number;
}

export type ConfigValue = string | number | boolean | string[];

export const CONFIG_KEYS: readonly KeySpec[] = [
  { key: 'output.color', type: 'enum', values: ['auto', 'always', 'never'], default: 'auto', description: 'colour in human output (auto: only on a TTY and without NO_COLOR)' },
  { key: 'store.busy_timeout_ms', type: 'int', min: 0, max: 600_000, default: 5000, description: 'how long a command waits for a locked store before giving up' },
  { key: 'backup.dir', type: 'string', default: '', description: 'where `mem backup` writes (empty: <store dir>/backups)' },
  { key: 'backup.keep', type: 'int', min: 1, max: 10_000, default: 7, description: 'how many backups `mem backup` keeps' },
  { key: 'history.ignore_space', type: 'bool', default: true, description: 'do not record commands typed with a leading space' },
  { key: 'history.ignore_commands', type: 'regexlist', default: [], description: 'regexes: matching commands are never recorded' },
  { key: 'history.ignore_dirs', type: 'regexlist', default: [], description: 'regexes: commands run in matching directories are never recorded' },
  { key: 'history.ingest_interval_s', type: 'int', min: 0, max: 86_400, default: 2, description: 'how often (seconds) the shell checks that the background ingester runs' },
  { key: 'history.daemon_linger_s', type: 'int', min: 1, max: 86_400, default: 600, description: 'how long the background ingester waits for new commands before it exits' },
  { key: 'predict.include_agents', type: 'bool', default: false, description: "let agents' commands (mem hook install) shape your predictions and prompt suggestions too (from commands learned after the change)" },
  { key: 'keybindings.predict', type: 'string', default: '\\C-x\\C-p', description: "key that puts the predicted next command on the command line (readline notation, e.g. \\C-x\\C-p or \\ep; 'none' disables it)" },
  { key: 'keybindings.search', type: 'string', default: '\\C-r', description: "key that opens mem's history picker (readline notation; 'none' leaves the shell's own Ctrl-R alone)" },
  { key: 'embedding.provider', type: 'enum', values: ['local', 'openai', 'none'], default: 'local', description: 'local (MiniLM via transformers.js, no API key), openai (needs OPENAI_API_KEY) or none' },
  { key: 'embedding.model', type: 'string', default: '', description: 'model name (empty: Xenova/all-MiniLM-L6-v2 for local, text-embedding-3-small for openai)' },
  { key: 'embedding.batch_size', type: 'int', min: 1, max: 1024, default: 32, description: 'memories embedded per batch by the background worker' },
  { key: 'sync.url', type: 'string', default: '', description: 'the team hub (postgresql://USER@HOST:PORT/DB, no password: see `mem team join`); empty: no sync' },
  { key: 'sync.team', type: 'string', default: '', description: 'the team whose memory this store shares' },
  { key: 'sync.shell', type: 'bool', default: false, description: 'share shell history too (for one person\'s machines; never by default)' },
  { key: 'sync.interval_s', type: 'int', min: 10, max: 86_400, default: 300, description: 'how often (seconds) the background ingester syncs when sync.url is set' },
  { key: 'sync.batch_size', type: 'int', min: 100, max: 50_000, default: 5000, description: 'operations per push or pull transaction' },
  { key: 'sync.password_file', type: 'string', default: '', description: 'a 0600 file holding the hub password (empty: <data dir>/sync-password; PGPASSWORD and ~/.pgpass also work)' },
  { key: 'sync.admin_url', type: 'string', default: '', description: 'the hub URL `mem team init` ran with (for `mem team add-member`); no password' },
  { key: 'cleanup.older_than', type: 'duration', default: '30d', description: 'default age cut-off for `mem cleanup`' },
  { key: 'serve.host', type: 'string', default: '127.0.0.1', description: '`mem serve`: the address to listen on (loopback unless you choose otherwise)' },
  { key: 'serve.port', type: 'int', min: 0, max: 65_535, default: 8002, description: '`mem serve`: the port (0: any free port)' },
  { key: 'serve.rate_limit', type: 'int', min: 0, max: 1_000_000, default: 100, description: '`mem serve`: memories each user may create per minute (0: no limit)' },
  { key: 'serve.embed_interval_s', type: 'int', min: 1, max: 86_400, default: 300, description: '`mem serve`: how often (seconds) pending embeddings are picked up' },
  { key: 'serve.retry_failed_interval_s', type: 'int', min: 1, max: 604_800, default: 21_600, description: '`mem serve`: how often (seconds) failed embeddings are retried' },
];

export function envVarFor(key: string): string {
  return 'MEM_' + key.replace(/\./g, '_').toUpperCase();
}

export function findKey(key: string): KeySpec | undefined {
  return CONFIG_KEYS.find((k) => k.key === key);
}
