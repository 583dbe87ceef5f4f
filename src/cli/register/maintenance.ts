// Maintenance: stats, export/import, cleanup, backup/restore, doctor, configuration.
import { act, pick } from '../act.js';
import type { Program } from '../program.js';
import type { OptsOf } from './types.js';

const importCmd = (p: Program) =>
  p.command('import <file>').description("merge a bundle written by `mem export` ('-' for stdin); validated first, idempotent").option('--dry-run', 'validate and report, write nothing');
export type ImportOpts = OptsOf<typeof importCmd>;

const cleanup = (p: Program) =>
  p
    .command('cleanup [days]')
    .description('remove raw records older than the cut-off; learned aggregates are kept')
    .option('--older-than <age>', 'cut-off age, e.g. 30d, 12h, 2w (default: config cleanup.older_than)')
    .option('--dry-run', 'report what would be removed');
export type CleanupOpts = OptsOf<typeof cleanup>;

const backup = (p: Program) =>
  p
    .command('backup')
    .description('an online, consistent, integrity-checked backup, rotated')
    .option('--dir <dir>', 'where to write (default: config backup.dir, else <store dir>/backups)')
    .option('--keep <n>', 'keep the newest N backups (default: config backup.keep)');
export type BackupOpts = OptsOf<typeof backup>;

export function registerMaintenance(program: Program): void {
  program.command('stats').description('totals and breakdowns of everything mem remembers').action(act(() => import('../../commands/stats.js')));
  program.command('export [file]').description("write everything mem stores as a versioned JSON bundle (default or '-': stdout)").action(act(() => import('../../commands/export.js')));
  importCmd(program).action(act(() => import('../../commands/import.js')));
  cleanup(program).action(act(() => import('../../commands/cleanup.js')));
  backup(program).action(act(() => import('../../commands/backup.js')));
  program
    .command('restore <file>')
    .description('check a backup, keep a copy of the current store, then put the backup in its place')
    .action(act(() => import('../../commands/restore.js')));
  program.command('doctor').description('check the store, configuration and paths').action(act(() => import('../../commands/doctor.js')));

  const config = program.command('config').description('show and change configuration');
  const c = () => import('../../commands/config.js');
  config.command('list').description('every key with its value and where it came from').action(act(pick(c, 'list')));
  config.command('get <key>').description('one value').action(act(pick(c, 'get')));
  config.command('set <key> <value>').description('write a value to the config file').action(act(pick(c, 'set')));
  config.command('unset <key>').description('remove a value from the config file').action(act(pick(c, 'unset')));
  config.command('path').description('where the config file is').action(act(pick(c, 'path')));
}
