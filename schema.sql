-- mem store schema, version 12. Generated from the migrations in src/db/migrations.ts
-- by `npm run schema`; a test fails when this file and the migrations disagree. Do not edit by hand.

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

CREATE TABLE command_counts (
  command  TEXT PRIMARY KEY,
  name     TEXT NOT NULL,
  count    INTEGER NOT NULL,
  failures INTEGER NOT NULL,
  last_ts  INTEGER NOT NULL
) WITHOUT ROWID;

CREATE TABLE command_daily (
  day      TEXT PRIMARY KEY,
  count    INTEGER NOT NULL,
  failures INTEGER NOT NULL,
  with_exit INTEGER NOT NULL           -- commands whose exit code is known
) WITHOUT ROWID;

CREATE TABLE command_name_counts (
  name       TEXT NOT NULL,
  subcommand TEXT NOT NULL,            -- '' for the name's own total
  count      INTEGER NOT NULL,
  failures   INTEGER NOT NULL,
  PRIMARY KEY (name, subcommand)
) WITHOUT ROWID;

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
, author TEXT, author_kind TEXT NOT NULL DEFAULT 'human', intent TEXT);

CREATE TABLE episode_events (
  id         INTEGER PRIMARY KEY,
  episode_id TEXT NOT NULL REFERENCES episodes (id) ON DELETE CASCADE,
  at         INTEGER NOT NULL,
  type       TEXT NOT NULL,
  role       TEXT,
  data       TEXT NOT NULL DEFAULT '{}'
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

CREATE TABLE events (
  id   INTEGER PRIMARY KEY AUTOINCREMENT,  -- never reused, even after trimming: readers resume after the last id they saw
  at   INTEGER NOT NULL,                   -- epoch ms
  type TEXT NOT NULL,                      -- memory.stored, fix.recorded, command.ingested, ...
  data TEXT NOT NULL DEFAULT '{}'          -- JSON object
);

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

CREATE TABLE fix_tombstones (
  uid TEXT PRIMARY KEY
) WITHOUT ROWID;

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

CREATE VIRTUAL TABLE memories_fts USING fts5(title, content, tags, content = 'memories', content_rowid = 'n', tokenize = 'porter unicode61');

CREATE TABLE memory_audit (
  id        INTEGER PRIMARY KEY,
  memory_id TEXT NOT NULL,
  at        INTEGER NOT NULL,
  action    TEXT NOT NULL,                       -- create, edit, delete, purge, restore, import
  changes   TEXT NOT NULL DEFAULT '{}'           -- JSON: field -> {from, to}
);

CREATE TABLE memory_tags (
  tag TEXT NOT NULL,
  n   INTEGER NOT NULL REFERENCES memories (n) ON DELETE CASCADE,
  PRIMARY KEY (tag, n)
) WITHOUT ROWID;

CREATE VIRTUAL TABLE memory_vec_1536 USING vec0(scope text partition key, model text, embedding float[1536] distance_metric=cosine);

CREATE TABLE "memory_vec_1536_chunks"(chunk_id INTEGER PRIMARY KEY AUTOINCREMENT,size INTEGER NOT NULL,sequence_id integer,partition00,validity BLOB NOT NULL, rowids BLOB NOT NULL);

CREATE TABLE "memory_vec_1536_info" (key text primary key, value any);

CREATE TABLE "memory_vec_1536_metadatachunks00"(rowid PRIMARY KEY, data BLOB NOT NULL);

CREATE TABLE "memory_vec_1536_metadatatext00"(rowid PRIMARY KEY, data TEXT);

CREATE TABLE "memory_vec_1536_rowids"(rowid INTEGER PRIMARY KEY AUTOINCREMENT,id,chunk_id INTEGER,chunk_offset INTEGER);

CREATE TABLE "memory_vec_1536_vector_chunks00"(rowid PRIMARY KEY,vectors BLOB NOT NULL);

CREATE VIRTUAL TABLE memory_vec_384 USING vec0(scope text partition key, model text, embedding float[384] distance_metric=cosine);

CREATE TABLE "memory_vec_384_chunks"(chunk_id INTEGER PRIMARY KEY AUTOINCREMENT,size INTEGER NOT NULL,sequence_id integer,partition00,validity BLOB NOT NULL, rowids BLOB NOT NULL);

CREATE TABLE "memory_vec_384_info" (key text primary key, value any);

CREATE TABLE "memory_vec_384_metadatachunks00"(rowid PRIMARY KEY, data BLOB NOT NULL);

CREATE TABLE "memory_vec_384_metadatatext00"(rowid PRIMARY KEY, data TEXT);

CREATE TABLE "memory_vec_384_rowids"(rowid INTEGER PRIMARY KEY AUTOINCREMENT,id,chunk_id INTEGER,chunk_offset INTEGER);

CREATE TABLE "memory_vec_384_vector_chunks00"(rowid PRIMARY KEY,vectors BLOB NOT NULL);

CREATE TABLE meta (
  key   TEXT PRIMARY KEY,
  value TEXT NOT NULL
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

CREATE TABLE model_fixes (
  model_name   TEXT NOT NULL,
  fix_key      TEXT NOT NULL,
  fix_commands TEXT NOT NULL,
  successes    INTEGER NOT NULL,
  failures     INTEGER NOT NULL,
  last_used    INTEGER NOT NULL,
  PRIMARY KEY (model_name, fix_key)
) WITHOUT ROWID;

CREATE TABLE model_issues (
  model_name  TEXT NOT NULL,
  issue_type  TEXT NOT NULL,
  occurrences INTEGER NOT NULL,
  successes   INTEGER NOT NULL,
  PRIMARY KEY (model_name, issue_type)
) WITHOUT ROWID;

CREATE TABLE pattern_fixes (
  issue_signature TEXT NOT NULL,
  fix_key         TEXT NOT NULL,
  fix_commands    TEXT NOT NULL,
  successes       INTEGER NOT NULL,
  failures        INTEGER NOT NULL,
  last_used       INTEGER NOT NULL,
  PRIMARY KEY (issue_signature, fix_key)
) WITHOUT ROWID;

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

CREATE TABLE predict_contexts (
  kind           TEXT NOT NULL,
  key            TEXT NOT NULL,
  count          INTEGER NOT NULL,
  wkey           REAL NOT NULL,
  distinct_items INTEGER NOT NULL,
  PRIMARY KEY (kind, key)
) WITHOUT ROWID;

CREATE TABLE predict_state (
  key   TEXT PRIMARY KEY,
  value TEXT NOT NULL
) WITHOUT ROWID;

CREATE TABLE predict_streams (
  stream     TEXT PRIMARY KEY,
  recent     TEXT NOT NULL,
  updated_at INTEGER NOT NULL
) WITHOUT ROWID;

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

CREATE TABLE sync_clock (
  id      INTEGER PRIMARY KEY CHECK (id = 1),
  logging INTEGER NOT NULL DEFAULT 0,
  shell   INTEGER NOT NULL DEFAULT 0,
  ms      INTEGER NOT NULL DEFAULT 0,
  c       INTEGER NOT NULL DEFAULT 0
);

CREATE TABLE sync_cursors (
  origin TEXT PRIMARY KEY,
  seq    INTEGER NOT NULL
) WITHOUT ROWID;

CREATE TABLE sync_log (
  seq  INTEGER PRIMARY KEY,
  kind TEXT NOT NULL,
  key  TEXT NOT NULL,
  op   TEXT NOT NULL,
  hlc  TEXT NOT NULL
, n INTEGER);

CREATE TABLE sync_state (
  key   TEXT PRIMARY KEY,
  value TEXT NOT NULL
) WITHOUT ROWID;

CREATE TABLE sync_tombstones (
  kind TEXT NOT NULL,
  key  TEXT NOT NULL,
  PRIMARY KEY (kind, key)
) WITHOUT ROWID;

CREATE TABLE sync_versions (
  kind   TEXT NOT NULL,
  key    TEXT NOT NULL,
  hlc    TEXT NOT NULL,
  origin TEXT NOT NULL,
  value  TEXT,
  PRIMARY KEY (kind, key)
) WITHOUT ROWID;

CREATE TABLE workflow_dirs (
  key   TEXT NOT NULL,
  cwd   TEXT NOT NULL,
  count INTEGER NOT NULL,
  PRIMARY KEY (key, cwd)
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

CREATE INDEX command_counts_frequent ON command_counts (count);

CREATE INDEX command_counts_recent ON command_counts (last_ts);

CREATE INDEX commands_agents ON commands (author_kind, ts) WHERE author_kind <> 'human';

CREATE INDEX commands_author ON commands (author, ts);

CREATE INDEX commands_cwd ON commands (cwd, ts);

CREATE INDEX commands_failed ON commands (command, ts) WHERE exit_code IS NOT NULL AND exit_code <> 0;

CREATE INDEX commands_session ON commands (session, ts);

CREATE INDEX commands_ts ON commands (ts);

CREATE INDEX episode_events_episode ON episode_events (episode_id, at);

CREATE INDEX episodes_started ON episodes (started_at);

CREATE INDEX fix_attempts_model ON fix_attempts (model_name, ts);

CREATE INDEX fix_attempts_model_type ON fix_attempts (model_name, issue_type, fix_success, ts);

CREATE INDEX fix_attempts_signature ON fix_attempts (issue_signature, fix_success, ts);

CREATE INDEX fix_attempts_ts ON fix_attempts (ts);

CREATE INDEX fix_attempts_type ON fix_attempts (issue_type, fix_success, ts);

CREATE INDEX issue_patterns_type ON issue_patterns (issue_type);

CREATE INDEX memories_created ON memories (created_at);

CREATE INDEX memories_embedding ON memories (embedding_status, embedding_retry_at);

CREATE INDEX memories_hash ON memories (content_hash, kind, scope);

CREATE INDEX memories_scope_kind ON memories (scope, kind, created_at);

CREATE INDEX memories_task ON memories (task_id);

CREATE INDEX memory_audit_memory ON memory_audit (memory_id, at);

CREATE INDEX predict_commands_count ON predict_commands (count DESC, last_seen DESC);

CREATE INDEX predict_commands_recent ON predict_commands (last_seen DESC);

CREATE INDEX predict_commands_trend ON predict_commands (wkey DESC);

CREATE INDEX predict_streams_updated ON predict_streams (updated_at);

CREATE INDEX predict_transitions_top ON predict_transitions (kind, key, count DESC, last_seen DESC);

CREATE INDEX workflows_occurrences ON workflows (occurrences);

CREATE TRIGGER memories_fts_delete AFTER DELETE ON memories BEGIN
  INSERT INTO memories_fts (memories_fts, rowid, title, content, tags) VALUES ('delete', old.n, old.title, old.content, old.tags);
END;

CREATE TRIGGER memories_fts_insert AFTER INSERT ON memories BEGIN
  INSERT INTO memories_fts (rowid, title, content, tags) VALUES (new.n, new.title, new.content, new.tags);
END;

CREATE TRIGGER memories_fts_update AFTER UPDATE OF title, content, tags ON memories BEGIN
  INSERT INTO memories_fts (memories_fts, rowid, title, content, tags) VALUES ('delete', old.n, old.title, old.content, old.tags);
  INSERT INTO memories_fts (rowid, title, content, tags) VALUES (new.n, new.title, new.content, new.tags);
END;

CREATE TRIGGER sync_audit_insert AFTER INSERT ON memory_audit WHEN (SELECT logging FROM sync_clock) BEGIN
  UPDATE sync_clock SET c = CASE WHEN CAST((julianday('now') - 2440587.5) * 86400000 AS INTEGER) > ms THEN 0 ELSE c + 1 END,
    ms = MAX(ms, CAST((julianday('now') - 2440587.5) * 86400000 AS INTEGER));
  INSERT INTO sync_log (kind, key, op, hlc) SELECT 'audit', new.memory_id || '/' || new.at || '/' || new.action || '/' || (SELECT value FROM meta WHERE key = 'store_id'), 'put', printf('%013d.%06d', ms, c) FROM sync_clock;
END;

CREATE TRIGGER sync_cmd_delete AFTER DELETE ON commands WHEN (SELECT logging FROM sync_clock) AND (SELECT shell FROM sync_clock) BEGIN
  UPDATE sync_clock SET c = CASE WHEN CAST((julianday('now') - 2440587.5) * 86400000 AS INTEGER) > ms THEN 0 ELSE c + 1 END,
    ms = MAX(ms, CAST((julianday('now') - 2440587.5) * 86400000 AS INTEGER));
  INSERT INTO sync_log (kind, key, op, hlc) SELECT 'cmd', old.uid, 'del', printf('%013d.%06d', ms, c) FROM sync_clock;
  INSERT OR IGNORE INTO sync_tombstones (kind, key) VALUES ('cmd', old.uid);
END;

CREATE TRIGGER sync_cmd_insert AFTER INSERT ON commands WHEN (SELECT logging FROM sync_clock) AND (SELECT shell FROM sync_clock) BEGIN
  UPDATE sync_clock SET c = CASE WHEN CAST((julianday('now') - 2440587.5) * 86400000 AS INTEGER) > ms THEN 0 ELSE c + 1 END,
    ms = MAX(ms, CAST((julianday('now') - 2440587.5) * 86400000 AS INTEGER));
  INSERT INTO sync_log (kind, key, op, hlc) SELECT 'cmd', new.uid, 'put', printf('%013d.%06d', ms, c) FROM sync_clock;
END;

CREATE TRIGGER sync_cmd_update AFTER UPDATE OF command ON commands WHEN (SELECT logging FROM sync_clock) AND (SELECT shell FROM sync_clock) AND old.command IS NOT new.command BEGIN
  UPDATE sync_clock SET c = CASE WHEN CAST((julianday('now') - 2440587.5) * 86400000 AS INTEGER) > ms THEN 0 ELSE c + 1 END,
    ms = MAX(ms, CAST((julianday('now') - 2440587.5) * 86400000 AS INTEGER));
  INSERT INTO sync_log (kind, key, op, hlc) SELECT 'cmd', new.uid, 'set', printf('%013d.%06d', ms, c) FROM sync_clock;
  INSERT INTO sync_versions (kind, key, hlc, origin) SELECT kind, key, hlc, (SELECT value FROM meta WHERE key = 'store_id') FROM sync_log WHERE true ORDER BY seq DESC LIMIT 1
    ON CONFLICT (kind, key) DO UPDATE SET hlc = excluded.hlc, origin = excluded.origin, value = NULL;
END;

CREATE TRIGGER sync_ep_insert AFTER INSERT ON episodes WHEN (SELECT logging FROM sync_clock) BEGIN
  UPDATE sync_clock SET c = CASE WHEN CAST((julianday('now') - 2440587.5) * 86400000 AS INTEGER) > ms THEN 0 ELSE c + 1 END,
    ms = MAX(ms, CAST((julianday('now') - 2440587.5) * 86400000 AS INTEGER));
  INSERT INTO sync_log (kind, key, op, hlc) SELECT 'ep', new.id, 'put', printf('%013d.%06d', ms, c) FROM sync_clock;
END;

CREATE TRIGGER sync_ep_update AFTER UPDATE ON episodes WHEN (SELECT logging FROM sync_clock) AND (old.ended_at IS NOT new.ended_at OR old.success IS NOT new.success OR old.metrics IS NOT new.metrics) BEGIN
  UPDATE sync_clock SET c = CASE WHEN CAST((julianday('now') - 2440587.5) * 86400000 AS INTEGER) > ms THEN 0 ELSE c + 1 END,
    ms = MAX(ms, CAST((julianday('now') - 2440587.5) * 86400000 AS INTEGER));
  INSERT INTO sync_log (kind, key, op, hlc) SELECT 'ep', new.id, 'set', printf('%013d.%06d', ms, c) FROM sync_clock;
  INSERT INTO sync_versions (kind, key, hlc, origin) SELECT kind, key, hlc, (SELECT value FROM meta WHERE key = 'store_id') FROM sync_log WHERE true ORDER BY seq DESC LIMIT 1
    ON CONFLICT (kind, key) DO UPDATE SET hlc = excluded.hlc, origin = excluded.origin, value = NULL;
END;

CREATE TRIGGER sync_epev_insert AFTER INSERT ON episode_events WHEN (SELECT logging FROM sync_clock) BEGIN
  UPDATE sync_clock SET c = CASE WHEN CAST((julianday('now') - 2440587.5) * 86400000 AS INTEGER) > ms THEN 0 ELSE c + 1 END,
    ms = MAX(ms, CAST((julianday('now') - 2440587.5) * 86400000 AS INTEGER));
  INSERT INTO sync_log (kind, key, op, hlc) SELECT 'epev', new.episode_id || '/' || new.id, 'put', printf('%013d.%06d', ms, c) FROM sync_clock;
END;

CREATE TRIGGER sync_fix_insert AFTER INSERT ON fix_attempts WHEN (SELECT logging FROM sync_clock) BEGIN
  UPDATE sync_clock SET c = CASE WHEN CAST((julianday('now') - 2440587.5) * 86400000 AS INTEGER) > ms THEN 0 ELSE c + 1 END,
    ms = MAX(ms, CAST((julianday('now') - 2440587.5) * 86400000 AS INTEGER));
  INSERT INTO sync_log (kind, key, op, hlc) SELECT 'fix', new.uid, 'put', printf('%013d.%06d', ms, c) FROM sync_clock;
END;

CREATE TRIGGER sync_fix_tombstone AFTER INSERT ON fix_tombstones WHEN (SELECT logging FROM sync_clock) BEGIN
  UPDATE sync_clock SET c = CASE WHEN CAST((julianday('now') - 2440587.5) * 86400000 AS INTEGER) > ms THEN 0 ELSE c + 1 END,
    ms = MAX(ms, CAST((julianday('now') - 2440587.5) * 86400000 AS INTEGER));
  INSERT INTO sync_log (kind, key, op, hlc) SELECT 'fix', new.uid, 'del', printf('%013d.%06d', ms, c) FROM sync_clock;
END;

CREATE TRIGGER sync_fix_update AFTER UPDATE ON fix_attempts WHEN (SELECT logging FROM sync_clock) BEGIN
  UPDATE sync_clock SET c = CASE WHEN CAST((julianday('now') - 2440587.5) * 86400000 AS INTEGER) > ms THEN 0 ELSE c + 1 END,
    ms = MAX(ms, CAST((julianday('now') - 2440587.5) * 86400000 AS INTEGER));
  INSERT INTO sync_log (kind, key, op, hlc) SELECT 'fix', new.uid, 'set', printf('%013d.%06d', ms, c) FROM sync_clock;
  INSERT INTO sync_versions (kind, key, hlc, origin) SELECT kind, key, hlc, (SELECT value FROM meta WHERE key = 'store_id') FROM sync_log WHERE true ORDER BY seq DESC LIMIT 1
    ON CONFLICT (kind, key) DO UPDATE SET hlc = excluded.hlc, origin = excluded.origin, value = NULL;
END;

CREATE TRIGGER sync_fixarch_insert AFTER INSERT ON fix_archive WHEN (SELECT logging FROM sync_clock) BEGIN
  UPDATE sync_clock SET c = CASE WHEN CAST((julianday('now') - 2440587.5) * 86400000 AS INTEGER) > ms THEN 0 ELSE c + 1 END,
    ms = MAX(ms, CAST((julianday('now') - 2440587.5) * 86400000 AS INTEGER));
  INSERT INTO sync_log (kind, key, op, hlc) SELECT 'fixarch', json_array(new.origin, new.day, new.issue_signature, new.model_name, new.fixer_type, new.fix_key), 'set', printf('%013d.%06d', ms, c) FROM sync_clock;
END;

CREATE TRIGGER sync_fixarch_update AFTER UPDATE ON fix_archive WHEN (SELECT logging FROM sync_clock) BEGIN
  UPDATE sync_clock SET c = CASE WHEN CAST((julianday('now') - 2440587.5) * 86400000 AS INTEGER) > ms THEN 0 ELSE c + 1 END,
    ms = MAX(ms, CAST((julianday('now') - 2440587.5) * 86400000 AS INTEGER));
  INSERT INTO sync_log (kind, key, op, hlc) SELECT 'fixarch', json_array(new.origin, new.day, new.issue_signature, new.model_name, new.fixer_type, new.fix_key), 'set', printf('%013d.%06d', ms, c) FROM sync_clock;
END;

CREATE TRIGGER sync_mem_delete AFTER DELETE ON memories WHEN (SELECT logging FROM sync_clock) BEGIN
  UPDATE sync_clock SET c = CASE WHEN CAST((julianday('now') - 2440587.5) * 86400000 AS INTEGER) > ms THEN 0 ELSE c + 1 END,
    ms = MAX(ms, CAST((julianday('now') - 2440587.5) * 86400000 AS INTEGER));
  INSERT INTO sync_log (kind, key, op, hlc) SELECT 'mem', old.id, 'del', printf('%013d.%06d', ms, c) FROM sync_clock;
  INSERT OR IGNORE INTO sync_tombstones (kind, key) VALUES ('mem', old.id);
END;

CREATE TRIGGER sync_mem_insert AFTER INSERT ON memories WHEN (SELECT logging FROM sync_clock) BEGIN
  UPDATE sync_clock SET c = CASE WHEN CAST((julianday('now') - 2440587.5) * 86400000 AS INTEGER) > ms THEN 0 ELSE c + 1 END,
    ms = MAX(ms, CAST((julianday('now') - 2440587.5) * 86400000 AS INTEGER));
  INSERT INTO sync_log (kind, key, op, hlc) SELECT 'mem', new.id, 'set', printf('%013d.%06d', ms, c) FROM sync_clock;
  INSERT INTO sync_versions (kind, key, hlc, origin) SELECT kind, key, hlc, (SELECT value FROM meta WHERE key = 'store_id') FROM sync_log WHERE true ORDER BY seq DESC LIMIT 1
    ON CONFLICT (kind, key) DO UPDATE SET hlc = excluded.hlc, origin = excluded.origin, value = NULL;
  INSERT INTO sync_log (kind, key, op, hlc) SELECT 'memdel', new.id, 'set', printf('%013d.%06d', ms, c) FROM sync_clock;
  INSERT INTO sync_versions (kind, key, hlc, origin) SELECT kind, key, hlc, (SELECT value FROM meta WHERE key = 'store_id') FROM sync_log WHERE true ORDER BY seq DESC LIMIT 1
    ON CONFLICT (kind, key) DO UPDATE SET hlc = excluded.hlc, origin = excluded.origin, value = NULL;
END;

CREATE TRIGGER sync_mem_update AFTER UPDATE ON memories WHEN (SELECT logging FROM sync_clock) AND (old.kind IS NOT new.kind OR old.content IS NOT new.content OR old.title IS NOT new.title OR old.tags IS NOT new.tags OR old.metadata IS NOT new.metadata OR old.source IS NOT new.source OR old.source_id IS NOT new.source_id OR old.scope IS NOT new.scope OR old.success IS NOT new.success OR old.task_id IS NOT new.task_id OR old.language IS NOT new.language) BEGIN
  UPDATE sync_clock SET c = CASE WHEN CAST((julianday('now') - 2440587.5) * 86400000 AS INTEGER) > ms THEN 0 ELSE c + 1 END,
    ms = MAX(ms, CAST((julianday('now') - 2440587.5) * 86400000 AS INTEGER));
  INSERT INTO sync_log (kind, key, op, hlc) SELECT 'mem', new.id, 'set', printf('%013d.%06d', ms, c) FROM sync_clock;
  INSERT INTO sync_versions (kind, key, hlc, origin) SELECT kind, key, hlc, (SELECT value FROM meta WHERE key = 'store_id') FROM sync_log WHERE true ORDER BY seq DESC LIMIT 1
    ON CONFLICT (kind, key) DO UPDATE SET hlc = excluded.hlc, origin = excluded.origin, value = NULL;
END;

CREATE TRIGGER sync_memdel_update AFTER UPDATE OF deleted_at ON memories WHEN (SELECT logging FROM sync_clock) AND old.deleted_at IS NOT new.deleted_at BEGIN
  UPDATE sync_clock SET c = CASE WHEN CAST((julianday('now') - 2440587.5) * 86400000 AS INTEGER) > ms THEN 0 ELSE c + 1 END,
    ms = MAX(ms, CAST((julianday('now') - 2440587.5) * 86400000 AS INTEGER));
  INSERT INTO sync_log (kind, key, op, hlc) SELECT 'memdel', new.id, 'set', printf('%013d.%06d', ms, c) FROM sync_clock;
  INSERT INTO sync_versions (kind, key, hlc, origin) SELECT kind, key, hlc, (SELECT value FROM meta WHERE key = 'store_id') FROM sync_log WHERE true ORDER BY seq DESC LIMIT 1
    ON CONFLICT (kind, key) DO UPDATE SET hlc = excluded.hlc, origin = excluded.origin, value = NULL;
END;

CREATE TRIGGER sync_memuse AFTER UPDATE OF reused_count ON memories WHEN (SELECT logging FROM sync_clock) AND new.reused_count > old.reused_count BEGIN
  UPDATE sync_clock SET c = CASE WHEN CAST((julianday('now') - 2440587.5) * 86400000 AS INTEGER) > ms THEN 0 ELSE c + 1 END,
    ms = MAX(ms, CAST((julianday('now') - 2440587.5) * 86400000 AS INTEGER));
  INSERT INTO sync_log (kind, key, op, hlc, n) SELECT 'memuse', new.id, 'put', printf('%013d.%06d', ms, c), new.reused_count - old.reused_count FROM sync_clock;
END;

CREATE TRIGGER sync_memvec AFTER UPDATE OF embedding_status ON memories WHEN (SELECT logging FROM sync_clock) AND new.embedding_status = 'completed' AND old.embedding_status IS NOT 'completed' BEGIN
  UPDATE sync_clock SET c = CASE WHEN CAST((julianday('now') - 2440587.5) * 86400000 AS INTEGER) > ms THEN 0 ELSE c + 1 END,
    ms = MAX(ms, CAST((julianday('now') - 2440587.5) * 86400000 AS INTEGER));
  INSERT INTO sync_log (kind, key, op, hlc) SELECT 'memvec', new.id, 'set', printf('%013d.%06d', ms, c) FROM sync_clock;
  INSERT INTO sync_versions (kind, key, hlc, origin) SELECT kind, key, hlc, (SELECT value FROM meta WHERE key = 'store_id') FROM sync_log WHERE true ORDER BY seq DESC LIMIT 1
    ON CONFLICT (kind, key) DO UPDATE SET hlc = excluded.hlc, origin = excluded.origin, value = NULL;
END;

CREATE TRIGGER sync_note AFTER UPDATE OF notes ON model_characteristics WHEN (SELECT logging FROM sync_clock) AND new.notes IS NOT COALESCE((SELECT value FROM sync_versions WHERE kind = 'note' AND key = new.model_name), '') BEGIN
  UPDATE sync_clock SET c = CASE WHEN CAST((julianday('now') - 2440587.5) * 86400000 AS INTEGER) > ms THEN 0 ELSE c + 1 END,
    ms = MAX(ms, CAST((julianday('now') - 2440587.5) * 86400000 AS INTEGER));
  INSERT INTO sync_log (kind, key, op, hlc) SELECT 'note', new.model_name, 'set', printf('%013d.%06d', ms, c) FROM sync_clock;
  INSERT INTO sync_versions (kind, key, hlc, origin, value) SELECT kind, key, hlc, (SELECT value FROM meta WHERE key = 'store_id'), new.notes FROM sync_log WHERE true ORDER BY seq DESC LIMIT 1
    ON CONFLICT (kind, key) DO UPDATE SET hlc = excluded.hlc, origin = excluded.origin, value = excluded.value;
END;

CREATE TRIGGER sync_pat_insert AFTER INSERT ON learned_patterns WHEN (SELECT logging FROM sync_clock) BEGIN
  UPDATE sync_clock SET c = CASE WHEN CAST((julianday('now') - 2440587.5) * 86400000 AS INTEGER) > ms THEN 0 ELSE c + 1 END,
    ms = MAX(ms, CAST((julianday('now') - 2440587.5) * 86400000 AS INTEGER));
  INSERT INTO sync_log (kind, key, op, hlc) SELECT 'pat', new.id, 'set', printf('%013d.%06d', ms, c) FROM sync_clock;
  INSERT INTO sync_versions (kind, key, hlc, origin) SELECT kind, key, hlc, (SELECT value FROM meta WHERE key = 'store_id') FROM sync_log WHERE true ORDER BY seq DESC LIMIT 1
    ON CONFLICT (kind, key) DO UPDATE SET hlc = excluded.hlc, origin = excluded.origin, value = NULL;
END;

CREATE TRIGGER sync_pat_update AFTER UPDATE ON learned_patterns WHEN (SELECT logging FROM sync_clock) AND (old.type IS NOT new.type OR old.match IS NOT new.match OR old.scope IS NOT new.scope OR old.description IS NOT new.description OR old.success_indicators IS NOT new.success_indicators OR old.failure_indicators IS NOT new.failure_indicators OR old.recommended_context IS NOT new.recommended_context OR old.samples IS NOT new.samples OR old.successes IS NOT new.successes OR old.confidence IS NOT new.confidence OR old.embedding_model IS NOT new.embedding_model) BEGIN
  UPDATE sync_clock SET c = CASE WHEN CAST((julianday('now') - 2440587.5) * 86400000 AS INTEGER) > ms THEN 0 ELSE c + 1 END,
    ms = MAX(ms, CAST((julianday('now') - 2440587.5) * 86400000 AS INTEGER));
  INSERT INTO sync_log (kind, key, op, hlc) SELECT 'pat', new.id, 'set', printf('%013d.%06d', ms, c) FROM sync_clock;
  INSERT INTO sync_versions (kind, key, hlc, origin) SELECT kind, key, hlc, (SELECT value FROM meta WHERE key = 'store_id') FROM sync_log WHERE true ORDER BY seq DESC LIMIT 1
    ON CONFLICT (kind, key) DO UPDATE SET hlc = excluded.hlc, origin = excluded.origin, value = NULL;
END;

CREATE TRIGGER sync_pathelp AFTER UPDATE OF feedback_helpful ON learned_patterns WHEN (SELECT logging FROM sync_clock) AND new.feedback_helpful > old.feedback_helpful BEGIN
  UPDATE sync_clock SET c = CASE WHEN CAST((julianday('now') - 2440587.5) * 86400000 AS INTEGER) > ms THEN 0 ELSE c + 1 END,
    ms = MAX(ms, CAST((julianday('now') - 2440587.5) * 86400000 AS INTEGER));
  INSERT INTO sync_log (kind, key, op, hlc, n) SELECT 'pathelp', new.id, 'put', printf('%013d.%06d', ms, c), new.feedback_helpful - old.feedback_helpful FROM sync_clock;
END;

CREATE TRIGGER sync_patnohelp AFTER UPDATE OF feedback_unhelpful ON learned_patterns WHEN (SELECT logging FROM sync_clock) AND new.feedback_unhelpful > old.feedback_unhelpful BEGIN
  UPDATE sync_clock SET c = CASE WHEN CAST((julianday('now') - 2440587.5) * 86400000 AS INTEGER) > ms THEN 0 ELSE c + 1 END,
    ms = MAX(ms, CAST((julianday('now') - 2440587.5) * 86400000 AS INTEGER));
  INSERT INTO sync_log (kind, key, op, hlc, n) SELECT 'patnohelp', new.id, 'put', printf('%013d.%06d', ms, c), new.feedback_unhelpful - old.feedback_unhelpful FROM sync_clock;
END;
