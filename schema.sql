-- mem store schema, version 2. Generated from the migrations in src/db/migrations.ts
-- by `npm run schema`; a test fails when this file and the migrations disagree. Do not edit by hand.

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

CREATE INDEX commands_cwd ON commands (cwd, ts);

CREATE INDEX commands_session ON commands (session, ts);

CREATE INDEX commands_ts ON commands (ts);

CREATE INDEX fix_attempts_model ON fix_attempts (model_name, ts);

CREATE INDEX fix_attempts_model_type ON fix_attempts (model_name, issue_type, fix_success, ts);

CREATE INDEX fix_attempts_signature ON fix_attempts (issue_signature, fix_success, ts);

CREATE INDEX fix_attempts_ts ON fix_attempts (ts);

CREATE INDEX fix_attempts_type ON fix_attempts (issue_type, fix_success, ts);

CREATE INDEX issue_patterns_type ON issue_patterns (issue_type);
