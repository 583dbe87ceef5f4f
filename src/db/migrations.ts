// Append-only: never edit a migration that has shipped; add the next number. Each one says why.
// schema.sql documents the result (regenerate with `npm run schema`; a test compares them).

export interface Migration {
  version: number;
  why: string;
  sql: string;
}

/** Stamps the next clock value (ms.counter, zero-padded so it sorts as text) and logs a change. */
const tick = `UPDATE sync_clock SET c = CASE WHEN CAST((julianday('now') - 2440587.5) * 86400000 AS INTEGER) > ms THEN 0 ELSE c + 1 END,
    ms = MAX(ms, CAST((julianday('now') - 2440587.5) * 86400000 AS INTEGER));`;
const log = (kind: string, key: string, op: string) =>
  `INSERT INTO sync_log (kind, key, op, hlc) SELECT '${kind}', ${key}, '${op}', printf('%013d.%06d', ms, c) FROM sync_clock;`;
/** Logs a change to a mutable register and records it as the version this store holds. */
const logv = (kind: string, key: string, op: string) =>
  log(kind, key, op) +
  `\n  INSERT INTO sync_versions (kind, key, hlc, origin) SELECT kind, key, hlc, (SELECT value FROM meta WHERE key = 'store_id') FROM sync_log WHERE true ORDER BY seq DESC LIMIT 1
    ON CONFLICT (kind, key) DO UPDATE SET hlc = excluded.hlc, origin = excluded.origin, value = NULL;`;
const on = '(SELECT logging FROM sync_clock)';
const trigger = (name: string, event: string, when: string, body: string) => `CREATE TRIGGER sync_${name} ${event} WHEN ${when} BEGIN\n  ${tick}\n  ${body}\nEND;`;
const MEMORY_CONTENT = ['kind', 'content', 'title', 'tags', 'metadata', 'source', 'source_id', 'scope', 'success', 'task_id', 'language'];
const SYNC_TRIGGERS = [
  trigger('fix_insert', 'AFTER INSERT ON fix_attempts', on, log('fix', 'new.uid', 'put')),
  trigger('fix_update', 'AFTER UPDATE ON fix_attempts', on, logv('fix', 'new.uid', 'set')),
  trigger('fix_tombstone', 'AFTER INSERT ON fix_tombstones', on, log('fix', 'new.uid', 'del')),
  trigger('fixarch_insert', 'AFTER INSERT ON fix_archive', on, log('fixarch', 'json_array(new.origin, new.day, new.issue_signature, new.model_name, new.fixer_type, new.fix_key)', 'set')),
  trigger('fixarch_update', 'AFTER UPDATE ON fix_archive', on, log('fixarch', 'json_array(new.origin, new.day, new.issue_signature, new.model_name, new.fixer_type, new.fix_key)', 'set')),
  trigger('cmd_insert', 'AFTER INSERT ON commands', `${on} AND (SELECT shell FROM sync_clock)`, log('cmd', 'new.uid', 'put')),
  trigger('cmd_update', 'AFTER UPDATE OF command ON commands', `${on} AND (SELECT shell FROM sync_clock) AND old.command IS NOT new.command`, logv('cmd', 'new.uid', 'set')),
  trigger('cmd_delete', 'AFTER DELETE ON commands', `${on} AND (SELECT shell FROM sync_clock)`, log('cmd', 'old.uid', 'del') + "\n  INSERT OR IGNORE INTO sync_tombstones (kind, key) VALUES ('cmd', old.uid);"),
  trigger('mem_insert', 'AFTER INSERT ON memories', on, logv('mem', 'new.id', 'set') + '\n  ' + logv('memdel', 'new.id', 'set')),
  trigger('mem_update', 'AFTER UPDATE ON memories', `${on} AND (${MEMORY_CONTENT.map((c) => `old.${c} IS NOT new.${c}`).join(' OR ')})`, logv('mem', 'new.id', 'set')),
  trigger('memdel_update', 'AFTER UPDATE OF deleted_at ON memories', `${on} AND old.deleted_at IS NOT new.deleted_at`, logv('memdel', 'new.id', 'set')),
  trigger('mem_delete', 'AFTER DELETE ON memories', on, log('mem', 'old.id', 'del') + "\n  INSERT OR IGNORE INTO sync_tombstones (kind, key) VALUES ('mem', old.id);"),
  trigger('audit_insert', 'AFTER INSERT ON memory_audit', on, log('audit', "new.memory_id || '/' || new.at || '/' || new.action || '/' || (SELECT value FROM meta WHERE key = 'store_id')", 'put')),
].join('\n');

/** Logs a counter's increment (n): counters add up across stores, they have no clock to win by. */
const logn = (kind: string, key: string, n: string) =>
  `INSERT INTO sync_log (kind, key, op, hlc, n) SELECT '${kind}', ${key}, 'put', printf('%013d.%06d', ms, c), ${n} FROM sync_clock;`;
const PATTERN_CONTENT = ['type', 'match', 'scope', 'description', 'success_indicators', 'failure_indicators', 'recommended_context', 'samples', 'successes', 'confidence', 'embedding_model'];
const SYNC_TRIGGERS_2 = [
  // An episode's row when started and ended; each event on its own (with its episode's row, so that
  // it can arrive first).
  trigger('ep_insert', 'AFTER INSERT ON episodes', on, log('ep', 'new.id', 'put')),
  trigger('ep_update', 'AFTER UPDATE ON episodes', `${on} AND (old.ended_at IS NOT new.ended_at OR old.success IS NOT new.success OR old.metrics IS NOT new.metrics)`, logv('ep', 'new.id', 'set')),
  trigger('epev_insert', 'AFTER INSERT ON episode_events', on, log('epev', "new.episode_id || '/' || new.id", 'put')),
  trigger('pat_insert', 'AFTER INSERT ON learned_patterns', on, logv('pat', 'new.id', 'set')),
  trigger('pat_update', 'AFTER UPDATE ON learned_patterns', `${on} AND (${PATTERN_CONTENT.map((c) => `old.${c} IS NOT new.${c}`).join(' OR ')})`, logv('pat', 'new.id', 'set')),
  trigger('pathelp', 'AFTER UPDATE OF feedback_helpful ON learned_patterns', `${on} AND new.feedback_helpful > old.feedback_helpful`, logn('pathelp', 'new.id', 'new.feedback_helpful - old.feedback_helpful')),
  trigger('patnohelp', 'AFTER UPDATE OF feedback_unhelpful ON learned_patterns', `${on} AND new.feedback_unhelpful > old.feedback_unhelpful`, logn('patnohelp', 'new.id', 'new.feedback_unhelpful - old.feedback_unhelpful')),
  trigger('memuse', 'AFTER UPDATE OF reused_count ON memories', `${on} AND new.reused_count > old.reused_count`, logn('memuse', 'new.id', 'new.reused_count - old.reused_count')),
  trigger('memvec', 'AFTER UPDATE OF embedding_status ON memories', `${on} AND new.embedding_status = 'completed' AND old.embedding_status IS NOT 'completed'`, logv('memvec', 'new.id', 'set')),
  // A model's notes live in a derived table that rebuilds put back as they were: only a value
  // other than the register's is a change.
  trigger(
    'note',
    'AFTER UPDATE OF notes ON model_characteristics',
    `${on} AND new.notes IS NOT COALESCE((SELECT value FROM sync_versions WHERE kind = 'note' AND key = new.model_name), '')`,
    log('note', 'new.model_name', 'set') +
      `\n  INSERT INTO sync_versions (kind, key, hlc, origin, value) SELECT kind, key, hlc, (SELECT value FROM meta WHERE key = 'store_id'), new.notes FROM sync_log WHERE true ORDER BY seq DESC LIMIT 1
    ON CONFLICT (kind, key) DO UPDATE SET hlc = excluded.hlc, origin = excluded.origin, value = excluded.value;`,
  ),
].join('\n');

export const MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    why: 'fix-attempt memory: raw attempts, and aggregates kept current on every record so that stats, patterns and context read small tables and cleanup can drop raw rows without losing what was learned',
    sql: `
CREATE TABLE meta (
  key   TEXT PRIMARY KEY,
  value TEXT NOT NULL
) WITHOUT ROWID;

CREATE TABLE fix_attempts (
  id                   INTEGER PRIMARY KEY,
  uid                  TEXT NOT NULL UNIQUE,          -- stable across export/import
  ts                   INTEGER NOT NULL,              -- epoch ms
  model_name           TEXT NOT NULL,
  model_family         TEXT NOT NULL,                 -- model name up to the first ':'
  issue_type           TEXT NOT NULL,
  issue_signature      TEXT NOT NULL,
  description          TEXT NOT NULL DEFAULT '',
  test_prompt          TEXT NOT NULL DEFAULT '',
  actual_response      TEXT NOT NULL DEFAULT '',
  fixer_type           TEXT NOT NULL,
  analysis             TEXT NOT NULL DEFAULT '',
  confidence           REAL,
  fix_commands         TEXT NOT NULL DEFAULT '[]',    -- JSON array of strings
  fix_key              TEXT NOT NULL,                 -- digest of fix_commands
  fix_success          INTEGER NOT NULL CHECK (fix_success IN (0, 1)),
  verification_success INTEGER CHECK (verification_success IN (0, 1)),
  execution_time       REAL,                          -- seconds
  system_info          TEXT NOT NULL DEFAULT '{}',    -- JSON object
  notes                TEXT NOT NULL DEFAULT '',
  extra                TEXT NOT NULL DEFAULT '{}'     -- unrecognised input fields, kept
);
-- Similar-issue lookups list successful attempts first, then the newest: the indexes match that.
CREATE INDEX fix_attempts_ts ON fix_attempts (ts);
CREATE INDEX fix_attempts_signature ON fix_attempts (issue_signature, fix_success, ts);
CREATE INDEX fix_attempts_model_type ON fix_attempts (model_name, issue_type, fix_success, ts);
CREATE INDEX fix_attempts_type ON fix_attempts (issue_type, fix_success, ts);
CREATE INDEX fix_attempts_model ON fix_attempts (model_name, ts);

-- What cleanup removed, rolled up: aggregates are always raw attempts + archive, so they survive
-- cleanup and travel in exports. origin is the store_id of the store whose cleanup made the row.
CREATE TABLE fix_archive (
  origin          TEXT NOT NULL,
  day             TEXT NOT NULL,
  issue_signature TEXT NOT NULL,
  model_name      TEXT NOT NULL,
  fixer_type      TEXT NOT NULL,
  fix_key         TEXT NOT NULL,
  issue_type      TEXT NOT NULL,
  model_family    TEXT NOT NULL,
  pattern_name    TEXT NOT NULL,
  fix_commands    TEXT NOT NULL,
  attempts        INTEGER NOT NULL,
  successes       INTEGER NOT NULL,
  exec_time_sum   REAL NOT NULL,
  exec_count      INTEGER NOT NULL,
  first_ts        INTEGER NOT NULL,
  last_ts         INTEGER NOT NULL,
  PRIMARY KEY (origin, day, issue_signature, model_name, fixer_type, fix_key)
) WITHOUT ROWID;
-- uids of archived attempts, so an import never counts an attempt both raw and archived.
CREATE TABLE fix_tombstones (
  uid TEXT PRIMARY KEY
) WITHOUT ROWID;

-- Derived tables below: maintained incrementally, rebuildable from fix_attempts + fix_archive.
CREATE TABLE issue_patterns (
  issue_signature TEXT PRIMARY KEY,
  name            TEXT NOT NULL,
  issue_type      TEXT NOT NULL,
  model_family    TEXT NOT NULL,
  success_count   INTEGER NOT NULL,
  failure_count   INTEGER NOT NULL,
  best_fix        TEXT,                               -- JSON array; NULL until a fix succeeded
  first_seen      INTEGER NOT NULL,
  last_seen       INTEGER NOT NULL,
  confidence      REAL NOT NULL                       -- min(1, attempts / 10)
) WITHOUT ROWID;
CREATE INDEX issue_patterns_type ON issue_patterns (issue_type);

CREATE TABLE pattern_fixes (
  issue_signature TEXT NOT NULL,
  fix_key         TEXT NOT NULL,
  fix_commands    TEXT NOT NULL,
  successes       INTEGER NOT NULL,
  failures        INTEGER NOT NULL,
  last_used       INTEGER NOT NULL,
  PRIMARY KEY (issue_signature, fix_key)
) WITHOUT ROWID;

CREATE TABLE model_characteristics (
  model_name    TEXT PRIMARY KEY,
  model_family  TEXT NOT NULL,
  total_tests   INTEGER NOT NULL,
  successes     INTEGER NOT NULL,
  success_rate  REAL NOT NULL,
  first_seen    INTEGER NOT NULL,
  last_updated  INTEGER NOT NULL,
  notes         TEXT NOT NULL DEFAULT ''
) WITHOUT ROWID;

CREATE TABLE model_issues (
  model_name  TEXT NOT NULL,
  issue_type  TEXT NOT NULL,
  occurrences INTEGER NOT NULL,
  successes   INTEGER NOT NULL,
  PRIMARY KEY (model_name, issue_type)
) WITHOUT ROWID;

CREATE TABLE model_fixes (
  model_name   TEXT NOT NULL,
  fix_key      TEXT NOT NULL,
  fix_commands TEXT NOT NULL,
  successes    INTEGER NOT NULL,
  failures     INTEGER NOT NULL,
  last_used    INTEGER NOT NULL,
  PRIMARY KEY (model_name, fix_key)
) WITHOUT ROWID;

CREATE TABLE fix_daily (
  day           TEXT NOT NULL,
  fixer_type    TEXT NOT NULL,
  issue_type    TEXT NOT NULL,
  attempts      INTEGER NOT NULL,
  successes     INTEGER NOT NULL,
  exec_time_sum REAL NOT NULL,
  exec_count    INTEGER NOT NULL,
  PRIMARY KEY (day, fixer_type, issue_type)
) WITHOUT ROWID;
`,
  },
  {
    version: 2,
    why: 'shell memory: captured and imported commands, aggregates maintained on ingest so stats stay fast on large histories, and the spool read position committed with the rows it produced (exactly-once ingestion)',
    sql: `
CREATE TABLE commands (
  id          INTEGER PRIMARY KEY,
  uid         TEXT NOT NULL UNIQUE,    -- hook: session:seq:start_us; import: import:<key>
  command     TEXT NOT NULL,           -- as typed, multi-line intact, secrets redacted
  cwd         TEXT,
  git_root    TEXT,
  exit_code   INTEGER,
  ts          INTEGER NOT NULL,        -- start, epoch ms
  duration_ms INTEGER,
  session     TEXT,
  shell       TEXT,
  host        TEXT,
  user        TEXT,
  source      TEXT NOT NULL            -- hook, import:zsh, import:bash, learn
);
CREATE INDEX commands_ts ON commands (ts);
CREATE INDEX commands_session ON commands (session, ts);
CREATE INDEX commands_cwd ON commands (cwd, ts);

-- Derived from commands, maintained on insert (rebuildable): what \`mem stats\` reads.
CREATE TABLE command_counts (
  command  TEXT PRIMARY KEY,
  name     TEXT NOT NULL,
  count    INTEGER NOT NULL,
  failures INTEGER NOT NULL,
  last_ts  INTEGER NOT NULL
) WITHOUT ROWID;
CREATE TABLE command_name_counts (
  name       TEXT NOT NULL,
  subcommand TEXT NOT NULL,            -- '' for the name's own total
  count      INTEGER NOT NULL,
  failures   INTEGER NOT NULL,
  PRIMARY KEY (name, subcommand)
) WITHOUT ROWID;
CREATE TABLE command_daily (
  day      TEXT PRIMARY KEY,
  count    INTEGER NOT NULL,
  failures INTEGER NOT NULL,
  with_exit INTEGER NOT NULL           -- commands whose exit code is known
) WITHOUT ROWID;
CREATE TABLE shell_sessions (
  session  TEXT PRIMARY KEY,
  shell    TEXT,
  host     TEXT,
  first_ts INTEGER NOT NULL,
  last_ts  INTEGER NOT NULL,
  count    INTEGER NOT NULL
) WITHOUT ROWID;

CREATE TABLE spool_progress (
  file       TEXT PRIMARY KEY,         -- spool file name (relative to the spool directory)
  inode      INTEGER NOT NULL,
  offset     INTEGER NOT NULL,         -- bytes committed
  updated_at INTEGER NOT NULL
) WITHOUT ROWID;
`,
  },
  {
    version: 3,
    why: 'semantic memory: memories with an embedding lifecycle, FTS5 for keywords, sqlite-vec tables per vector size (partitioned by scope), an audit trail, learned patterns and episodes',
    sql: `
CREATE TABLE memories (
  n                    INTEGER PRIMARY KEY,      -- rowid shared with memories_fts and the vector tables
  id                   TEXT NOT NULL UNIQUE,     -- UUID
  kind                 TEXT NOT NULL,
  content              TEXT NOT NULL,
  title                TEXT NOT NULL DEFAULT '',
  tags                 TEXT NOT NULL DEFAULT '[]',  -- JSON array
  metadata             TEXT NOT NULL DEFAULT '{}',  -- JSON object
  source               TEXT NOT NULL DEFAULT 'manual',
  source_id            TEXT,
  scope                TEXT NOT NULL,
  success              INTEGER CHECK (success IN (0, 1)),
  task_id              TEXT,
  language             TEXT,
  created_at           INTEGER NOT NULL,
  updated_at           INTEGER NOT NULL,
  accessed_at          INTEGER,
  deleted_at           INTEGER,
  reused_count         INTEGER NOT NULL DEFAULT 0,
  content_hash         TEXT NOT NULL,
  embedding_status     TEXT NOT NULL DEFAULT 'pending' CHECK (embedding_status IN ('pending', 'processing', 'completed', 'failed')),
  embedding_model      TEXT,
  embedding_dim        INTEGER,
  embedding_updated_at INTEGER,
  embedding_error      TEXT,
  embedding_attempts   INTEGER NOT NULL DEFAULT 0,
  embedding_retry_at   INTEGER,                  -- failed: not before this time (backoff)
  embedding_claim      TEXT,                     -- worker that holds it while processing
  near_duplicate_of    TEXT                      -- id of a memory it resembles (cosine >= 0.92), found when embedded
);
CREATE INDEX memories_scope_kind ON memories (scope, kind, created_at);
CREATE INDEX memories_created ON memories (created_at);
CREATE INDEX memories_hash ON memories (content_hash, kind, scope);
CREATE INDEX memories_embedding ON memories (embedding_status, embedding_retry_at);
CREATE INDEX memories_task ON memories (task_id);

CREATE TABLE memory_tags (
  tag TEXT NOT NULL,
  n   INTEGER NOT NULL REFERENCES memories (n) ON DELETE CASCADE,
  PRIMARY KEY (tag, n)
) WITHOUT ROWID;

CREATE VIRTUAL TABLE memories_fts USING fts5(title, content, tags, content = 'memories', content_rowid = 'n', tokenize = 'porter unicode61');
CREATE TRIGGER memories_fts_insert AFTER INSERT ON memories BEGIN
  INSERT INTO memories_fts (rowid, title, content, tags) VALUES (new.n, new.title, new.content, new.tags);
END;
CREATE TRIGGER memories_fts_delete AFTER DELETE ON memories BEGIN
  INSERT INTO memories_fts (memories_fts, rowid, title, content, tags) VALUES ('delete', old.n, old.title, old.content, old.tags);
END;
CREATE TRIGGER memories_fts_update AFTER UPDATE OF title, content, tags ON memories BEGIN
  INSERT INTO memories_fts (memories_fts, rowid, title, content, tags) VALUES ('delete', old.n, old.title, old.content, old.tags);
  INSERT INTO memories_fts (rowid, title, content, tags) VALUES (new.n, new.title, new.content, new.tags);
END;

-- One vector table per vector size: MiniLM (local) and text-embedding-3-small (openai).
CREATE VIRTUAL TABLE memory_vec_384 USING vec0(scope text partition key, model text, embedding float[384] distance_metric=cosine);
CREATE VIRTUAL TABLE memory_vec_1536 USING vec0(scope text partition key, model text, embedding float[1536] distance_metric=cosine);

CREATE TABLE memory_audit (
  id        INTEGER PRIMARY KEY,
  memory_id TEXT NOT NULL,
  at        INTEGER NOT NULL,
  action    TEXT NOT NULL,                       -- create, edit, delete, purge, restore, import
  changes   TEXT NOT NULL DEFAULT '{}'           -- JSON: field -> {from, to}
);
CREATE INDEX memory_audit_memory ON memory_audit (memory_id, at);

CREATE TABLE learned_patterns (
  n                  INTEGER PRIMARY KEY,
  id                 TEXT NOT NULL UNIQUE,
  type               TEXT NOT NULL CHECK (type IN ('success', 'failure', 'optimization')),
  match              TEXT NOT NULL,               -- the regex that selected the task memories
  scope              TEXT NOT NULL,
  description        TEXT NOT NULL,
  success_indicators TEXT NOT NULL DEFAULT '[]',
  failure_indicators TEXT NOT NULL DEFAULT '[]',
  recommended_context TEXT NOT NULL DEFAULT '[]',
  samples            INTEGER NOT NULL,
  successes          INTEGER NOT NULL,
  confidence         REAL NOT NULL,
  feedback_helpful   INTEGER NOT NULL DEFAULT 0,
  feedback_unhelpful INTEGER NOT NULL DEFAULT 0,
  created_at         INTEGER NOT NULL,
  updated_at         INTEGER NOT NULL,
  embedding_model    TEXT
);

CREATE TABLE episodes (
  n          INTEGER PRIMARY KEY,
  id         TEXT NOT NULL UNIQUE,
  task       TEXT NOT NULL,
  context    TEXT NOT NULL DEFAULT '{}',
  scope      TEXT NOT NULL,
  started_at INTEGER NOT NULL,
  ended_at   INTEGER,
  success    INTEGER CHECK (success IN (0, 1)),
  metrics    TEXT NOT NULL DEFAULT '{}'
);
CREATE INDEX episodes_started ON episodes (started_at);
CREATE TABLE episode_events (
  id         INTEGER PRIMARY KEY,
  episode_id TEXT NOT NULL REFERENCES episodes (id) ON DELETE CASCADE,
  at         INTEGER NOT NULL,
  type       TEXT NOT NULL,
  role       TEXT,
  data       TEXT NOT NULL DEFAULT '{}'
);
CREATE INDEX episode_events_episode ON episode_events (episode_id, at);
`,
  },
  {
    version: 4,
    why: 'next-command prediction: the statistics the ranking reads, persisted and updated incrementally as commands are learned (so `mem predict` never rebuilds anything), per-session streams, learned weights, and recurring workflows',
    sql: `
-- Decay keys (wkey, ckey) are log-domain sums, see src/predict/decay.ts: they only grow when their
-- own row is touched, so ordering by them is ordering by recency-weighted count.
CREATE TABLE predict_commands (
  command   TEXT PRIMARY KEY,
  template  TEXT NOT NULL,
  name      TEXT NOT NULL,
  count     INTEGER NOT NULL,
  wkey      REAL NOT NULL,
  successes INTEGER NOT NULL,
  failures  INTEGER NOT NULL,
  last_seen INTEGER NOT NULL,           -- sequence number of the latest occurrence
  last_ts   INTEGER
) WITHOUT ROWID;
CREATE INDEX predict_commands_count ON predict_commands (count DESC, last_seen DESC);
CREATE INDEX predict_commands_trend ON predict_commands (wkey DESC);
CREATE INDEX predict_commands_recent ON predict_commands (last_seen DESC);

CREATE TABLE predict_transitions (
  kind      TEXT NOT NULL,              -- exact1, exact2, template1, name1, name2, args1, start, cwd
  key       TEXT NOT NULL,              -- the context
  item      TEXT NOT NULL,              -- what followed it
  command   TEXT NOT NULL,              -- the latest concrete line for the item here
  count     INTEGER NOT NULL,
  wkey      REAL NOT NULL,
  ckey      REAL NOT NULL,              -- decay in the context's own clock
  successes INTEGER NOT NULL,
  failures  INTEGER NOT NULL,
  last_seen INTEGER NOT NULL,
  last_ts   INTEGER,
  PRIMARY KEY (kind, key, item)
) WITHOUT ROWID;
CREATE INDEX predict_transitions_top ON predict_transitions (kind, key, count DESC, last_seen DESC);

CREATE TABLE predict_contexts (
  kind           TEXT NOT NULL,
  key            TEXT NOT NULL,
  count          INTEGER NOT NULL,
  wkey           REAL NOT NULL,
  distinct_items INTEGER NOT NULL,
  PRIMARY KEY (kind, key)
) WITHOUT ROWID;

-- The last commands of each stream (a shell session, or an imported history), as JSON.
CREATE TABLE predict_streams (
  stream     TEXT PRIMARY KEY,
  recent     TEXT NOT NULL,
  updated_at INTEGER NOT NULL
) WITHOUT ROWID;
CREATE INDEX predict_streams_updated ON predict_streams (updated_at);

-- seq (commands learned), learned_id (last commands.id learned), weights (the online model).
CREATE TABLE predict_state (
  key   TEXT PRIMARY KEY,
  value TEXT NOT NULL
) WITHOUT ROWID;

CREATE TABLE workflows (
  key           TEXT PRIMARY KEY,       -- step templates joined by 0x1e
  length        INTEGER NOT NULL,
  example       TEXT NOT NULL,          -- the latest concrete steps
  occurrences   INTEGER NOT NULL,
  sessions      INTEGER NOT NULL,
  last_session  TEXT,
  successes     INTEGER NOT NULL,       -- every step exited 0
  failures      INTEGER NOT NULL,       -- some step exited non-zero
  last_seen     INTEGER NOT NULL,
  top_cwd       TEXT,
  top_cwd_count INTEGER NOT NULL DEFAULT 0
) WITHOUT ROWID;
CREATE INDEX workflows_occurrences ON workflows (occurrences);
CREATE TABLE workflow_dirs (
  key   TEXT NOT NULL,
  cwd   TEXT NOT NULL,
  count INTEGER NOT NULL,
  PRIMARY KEY (key, cwd)
) WITHOUT ROWID;
`,
  },
  {
    version: 5,
    why: 'history import state per file: a history without timestamps is matched by position, which shifts when the shell drops its oldest lines (HISTFILESIZE); remembering the tail of the previous import lets a re-import add exactly what follows it',
    sql: `
CREATE TABLE history_imports (
  file       TEXT NOT NULL,            -- absolute path as imported
  format     TEXT NOT NULL,            -- zsh, bash, fish, atuin
  stream     TEXT NOT NULL,            -- random id; entries placed by overlap are keyed (stream, seq)
  next_seq   INTEGER NOT NULL,         -- entries placed by overlap so far
  entries    INTEGER NOT NULL,         -- entries in the file at the last import
  tail       BLOB NOT NULL,            -- 8-byte digests of the file's last entries (<= 1000) at the last import
  updated_at INTEGER NOT NULL,
  PRIMARY KEY (file, format)
) WITHOUT ROWID;
`,
  },
  {
    version: 6,
    why: "what is deleted is gone from disk: FTS5 keeps a deleted memory's terms in its index segments (only marked deleted until a merge) unless its secure-delete option is on; with it, `mem rm --purge` and cleanup remove them at once. The connection-level PRAGMA secure_delete (src/db/open.ts) zeroes the freed pages",
    sql: `
INSERT INTO memories_fts (memories_fts, rank) VALUES ('secure-delete', 1);
`,
  },
  {
    version: 7,
    why: 'events: what the core wrote, recorded in the same transaction as the write, so the HTTP server (SSE) and `mem events --follow` see writes made by any process (the CLI, the shell ingester, the server) by tailing one table',
    sql: `
CREATE TABLE events (
  id   INTEGER PRIMARY KEY AUTOINCREMENT,  -- never reused, even after trimming: readers resume after the last id they saw
  at   INTEGER NOT NULL,                   -- epoch ms
  type TEXT NOT NULL,                      -- memory.stored, fix.recorded, command.ingested, ...
  data TEXT NOT NULL DEFAULT '{}'          -- JSON object
);
`,
  },
  {
    version: 8,
    why: 'team sync through PostgreSQL: each store appends its own changes to a local log (filled by triggers, so every write path is covered, and only once sync is on), stamped with a hybrid logical clock; the hub keeps one cursor per origin store; mutable records converge by clock, deletes are tombstones that never come back',
    sql: `
-- One row. logging: triggers fill sync_log (off until sync is set up, and while pulled changes are
-- applied); shell: commands are logged too (sync.shell). ms/c: the hybrid logical clock.
CREATE TABLE sync_clock (
  id      INTEGER PRIMARY KEY CHECK (id = 1),
  logging INTEGER NOT NULL DEFAULT 0,
  shell   INTEGER NOT NULL DEFAULT 0,
  ms      INTEGER NOT NULL DEFAULT 0,
  c       INTEGER NOT NULL DEFAULT 0
);
INSERT INTO sync_clock (id) VALUES (1);

-- This store's changes, in its own sequence (the hub's seq for this origin). kind: fix, fixarch,
-- cmd, mem (content), memdel (deleted or not), audit. op: put (insert if absent), set (newest
-- clock wins), del (tombstone). The record itself is read when pushed.
CREATE TABLE sync_log (
  seq  INTEGER PRIMARY KEY,
  kind TEXT NOT NULL,
  key  TEXT NOT NULL,
  op   TEXT NOT NULL,
  hlc  TEXT NOT NULL
);

-- Per-origin cursors: the last seq of each origin store applied here.
CREATE TABLE sync_cursors (
  origin TEXT PRIMARY KEY,
  seq    INTEGER NOT NULL
) WITHOUT ROWID;

-- The version that won for each mutable register (memory content, memory deleted flag, rewritten
-- commands and fix attempts); value keeps a register's value for a record not here yet.
CREATE TABLE sync_versions (
  kind   TEXT NOT NULL,
  key    TEXT NOT NULL,
  hlc    TEXT NOT NULL,
  origin TEXT NOT NULL,
  value  TEXT,
  PRIMARY KEY (kind, key)
) WITHOUT ROWID;

-- Records deleted for good: a later or late-arriving version never brings them back.
CREATE TABLE sync_tombstones (
  kind TEXT NOT NULL,
  key  TEXT NOT NULL,
  PRIMARY KEY (kind, key)
) WITHOUT ROWID;

-- pushed (last seq on the hub), last_sync_at, last_error, hub (url the cursors belong to).
CREATE TABLE sync_state (
  key   TEXT PRIMARY KEY,
  value TEXT NOT NULL
) WITHOUT ROWID;
${SYNC_TRIGGERS}
`,
  },
  {
    version: 9,
    why: "agents' commands, captured like a human's: who ran a command (a user, or an agent such as claude-code) and why (the tool call's description), so history can be filtered by author and agents' commands kept out of the user's predictions; a tool call's start waits in agent_calls until its end arrives (they come in separate hook runs), which gives its duration and exit status",
    sql: `
ALTER TABLE commands ADD COLUMN author TEXT;                                -- the user's name, or the agent (claude-code, codex, cursor)
ALTER TABLE commands ADD COLUMN author_kind TEXT NOT NULL DEFAULT 'human';  -- human or agent
ALTER TABLE commands ADD COLUMN intent TEXT;                                -- an agent's description of the call, secrets redacted
UPDATE commands SET author = user WHERE user IS NOT NULL;
CREATE INDEX commands_author ON commands (author, ts);
CREATE INDEX commands_agents ON commands (author_kind, ts) WHERE author_kind <> 'human';

-- Agents' tool calls whose start or end has arrived but not both (they come in separate hook
-- runs, in either order across spool files). Both: the command is stored and the row goes. A start
-- alone for long is stored with an unknown exit status; an end alone, without a duration.
CREATE TABLE agent_calls (
  uid         TEXT PRIMARY KEY,      -- agent:<agent>:<tool use id>, the command's uid once stored
  agent       TEXT NOT NULL,
  session     TEXT,
  command     TEXT NOT NULL,         -- redacted
  intent      TEXT,                  -- redacted
  cwd         TEXT,
  started_at  INTEGER,               -- epoch ms, when the start arrived
  ended_at    INTEGER,               -- epoch ms, when the end arrived
  exit_code   INTEGER,
  duration_ms INTEGER
) WITHOUT ROWID;
`,
  },
  {
    version: 10,
    why: 'team sync of episodes (by id, with their events), learned patterns and model notes (newest clock wins), and counters (memory reuse, pattern feedback: increments add up across stores); embeddings travel with their model name. Derived tables are still rebuilt locally',
    sql: `
-- A counter's increment (kinds memuse, pathelp, patnohelp); NULL for every other change.
ALTER TABLE sync_log ADD COLUMN n INTEGER;
${SYNC_TRIGGERS_2}
`,
  },
  {
    version: 11,
    why: "a command's failures found by the command: recall on an agent's failure and `mem fix last` ask what followed this command failing before, which scanned every command from the newest (~100 ms on 100k)",
    sql: `
-- Failures only (a few percent of the rows): the index stays small, and both questions say exactly this.
CREATE INDEX commands_failed ON commands (command, ts) WHERE exit_code IS NOT NULL AND exit_code <> 0;
`,
  },
  {
    version: 12,
    why: "the Ctrl-R picker's first screen: the most recent and the most frequent distinct commands, which sorted the whole of command_counts twice before the first paint (~5 ms of it on 16k distinct commands)",
    sql: `
CREATE INDEX command_counts_recent ON command_counts (last_ts);
CREATE INDEX command_counts_frequent ON command_counts (count);
`,
  },
];

export const LATEST_VERSION = MIGRATIONS[MIGRATIONS.length - 1]!.version;

/**
 * The server's user registry (`$MEM_HOME/server/users.db`): a small database of its own, not a
 * table in a store. It is never exported, backed up or restored with anyone's memories (restoring
 * an old home store must not bring back a removed user's token), and no user's store can see it.
 */
export const REGISTRY_MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    why: 'users of `mem serve`: a name, a random id (a user removed and added again is a new user) and the sha256 of their token; the token itself is never stored',
    sql: `
CREATE TABLE users (
  id         TEXT PRIMARY KEY,
  name       TEXT NOT NULL UNIQUE,
  token_hash TEXT NOT NULL UNIQUE,   -- hex sha256 of the bearer token
  created_at INTEGER NOT NULL        -- epoch ms
);
`,
  },
];
