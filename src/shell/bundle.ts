// The shell-history part of the export bundle: every captured or imported command, keyed by uid.
import { check, mapRows, type BundlePart } from '../core/bundle-part.js';
import { redactString } from '../redact/index.js';
import { isObj } from '../util/json.js';
import { ShellStore, type CommandRecord } from './store/commands.js';

const opt = (v: unknown) => (typeof v === 'string' ? redactString(v) : null);
const optInt = (v: unknown) => v === null || v === undefined || Number.isSafeInteger(v);

export const shellBundle: BundlePart<CommandRecord[]> = {
  exportSections: (db) => [['commands', mapRows(new ShellStore(db).exportRows(), (r) => r)]],
  parse: (list) =>
    list('commands').map((c, i) => {
      if (!isObj(c) || !check.str(c.uid) || typeof c.command !== 'string' || !check.time(c.ts)) {
        return check.bad('commands', i, 'must be a command with uid, command and ts (epoch milliseconds)');
      }
      if (!optInt(c.exit_code)) return check.bad('commands', i, 'exit_code must be a whole number or null');
      if (!optInt(c.duration_ms)) return check.bad('commands', i, 'duration_ms must be a whole number or null');
      return {
        uid: c.uid,
        command: redactString(c.command),
        cwd: opt(c.cwd),
        git_root: opt(c.git_root),
        exit_code: (c.exit_code as number | null | undefined) ?? null,
        ts: c.ts,
        duration_ms: (c.duration_ms as number | null | undefined) ?? null,
        session: opt(c.session),
        shell: opt(c.shell),
        host: opt(c.host),
        user: opt(c.user),
        source: check.str(c.source) ? c.source : 'import',
        // Bundles before agents' commands have no author: the user, as for any command.
        author: typeof c.author === 'string' ? redactString(c.author) : undefined,
        author_kind: c.author_kind === 'agent' ? 'agent' : 'human',
        intent: opt(c.intent),
      };
    }),
  count: (p) => ({ commands: p.length }),
  merge: (db, p) => ({ commands: new ShellStore(db).insert(p).length }),
};
