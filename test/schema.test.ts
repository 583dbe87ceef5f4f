// schema.sql documents the migrated schema; regenerate it with `npm run schema`.
import Database from 'better-sqlite3';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { LATEST_VERSION } from '../src/db/migrations.js';
import { openDb } from '../src/db/open.js';
import { ROOT, sandbox, type Sandbox } from './helpers.js';

function dumpSchema(path: string): string {
  const db = new Database(path, { readonly: true });
  const shadow = new Set((db.pragma('table_list') as { name: string; type: string }[]).filter((t) => t.type === 'shadow').map((t) => t.name));
  const rows = db
    .prepare("SELECT type, name, sql FROM sqlite_master WHERE sql IS NOT NULL AND name NOT LIKE 'sqlite_%' ORDER BY CASE type WHEN 'table' THEN 0 WHEN 'index' THEN 1 ELSE 2 END, name")
    .all() as { name: string; sql: string }[];
  db.close();
  const body = rows.filter((r) => !shadow.has(r.name)).map((r) => r.sql.trim() + ';').join('\n\n');
  return `-- mem store schema, version ${LATEST_VERSION}. Generated from the migrations in src/db/migrations.ts\n-- by \`npm run schema\`; a test fails when this file and the migrations disagree. Do not edit by hand.\n\n${body}\n`;
}

let box: Sandbox;
afterEach(() => box?.cleanup());

describe('schema', () => {
  it('schema.sql matches the migrated schema', () => {
    box = sandbox();
    openDb(box.db).close();
    const actual = dumpSchema(box.db);
    const file = join(ROOT, 'schema.sql');
    if (process.env.UPDATE_SCHEMA) writeFileSync(file, actual);
    expect(readFileSync(file, 'utf8')).toBe(actual);
  });

  it('records its version, migrates once, and refuses a store written by a newer mem', () => {
    box = sandbox();
    const db = openDb(box.db);
    expect(db.pragma('user_version', { simple: true })).toBe(LATEST_VERSION);
    expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
    db.close();
    openDb(box.db).close(); // reopening runs nothing twice
    const raw = new Database(box.db);
    raw.pragma(`user_version = ${LATEST_VERSION + 1}`);
    raw.close();
    const r = box.mem(['stats']);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/^mem: the store at .* newer mem .*upgrade mem\n$/);
  });
});
