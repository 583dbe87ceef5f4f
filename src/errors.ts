// Typed errors carry their exit code; only the entry point (cli.ts) turns them into output and a
// process exit status. Anything that is not a MemError is a bug and is reported as one.

export const EXIT_OK = 0;
export const EXIT_FAILURE = 1;
export const EXIT_USAGE = 2;

export class MemError extends Error {
  constructor(
    message: string,
    readonly exitCode: number = EXIT_FAILURE,
    readonly code: string = 'failure',
  ) {
    super(message);
    this.name = 'MemError';
  }
}

/** Bad usage or bad input: exit 2, nothing written. `field` names the input at fault, where one is. */
export class UsageError extends MemError {
  constructor(
    message: string,
    code = 'usage',
    readonly field?: string,
  ) {
    super(message, EXIT_USAGE, code);
    this.name = 'UsageError';
  }
}

/** Input data at fault, located by line and field where known. */
export class InputError extends UsageError {
  constructor(
    message: string,
    readonly line?: number,
    field?: string,
  ) {
    super(InputError.compose(message, line, field), 'bad_input', field);
    this.name = 'InputError';
  }

  private static compose(message: string, line?: number, field?: string): string {
    const where = [line !== undefined ? `line ${line}` : '', field ? `field '${field}'` : ''].filter(Boolean);
    return where.length ? `${where.join(', ')}: ${message}` : message;
  }
}

/** The thing asked for does not exist (a memory id, a model, an episode): exit 1, HTTP 404. */
export class NotFoundError extends MemError {
  constructor(message: string) {
    super(message, EXIT_FAILURE, 'not_found');
    this.name = 'NotFoundError';
  }
}

/** A whole number within bounds, or an InputError naming the field. */
export function intIn(value: unknown, field: string, min: number, max: number): number {
  if (typeof value !== 'number' || !Number.isInteger(value)) throw new InputError(`must be a whole number, got ${JSON.stringify(value)}`, undefined, field);
  if (value < min || value > max) throw new InputError(`must be between ${min} and ${max}, got ${value}`, undefined, field);
  return value;
}

/**
 * The error as every front end reports it: a MemError as it is; failures of the system (a busy or
 * corrupt store, a full disk, a permission) as one line a user can act on; null for a bug.
 */
export function knownError(err: unknown, storePath?: string): (MemError & { field?: string }) | null {
  if (err instanceof MemError) return err;
  const e = err as { code?: unknown; message?: unknown; path?: unknown };
  if (typeof e?.code !== 'string') return null;
  const code = e.code;
  const msg = typeof e.message === 'string' ? e.message : '';
  const store = storePath ? `the store at ${storePath}` : 'the store';
  const where = typeof e.path === 'string' ? ` (${e.path})` : storePath ? ` (${storePath})` : '';
  if (code === 'SQLITE_NOTADB' || /file is not a database/.test(msg)) return new MemError(`${store} is not a mem store (not an SQLite database)`, EXIT_USAGE, 'not_a_store');
  if (code.startsWith('SQLITE_BUSY') || code.startsWith('SQLITE_LOCKED')) {
    return new MemError(`store busy: ${store} stayed locked by another process past the busy timeout (store.busy_timeout_ms); try again`, EXIT_FAILURE, 'store_busy');
  }
  if (code === 'SQLITE_FULL' || code === 'ENOSPC') return new MemError(`disk full${where}: free some space and try again; nothing was changed`, EXIT_FAILURE, 'disk_full');
  if (code.startsWith('SQLITE_CORRUPT') || code === 'SQLITE_NOTADB') return new MemError(`${store} is corrupt: \`mem doctor\` tells more; \`mem restore BACKUP\` recovers it`, EXIT_FAILURE, 'store_corrupt');
  if (code.startsWith('SQLITE_READONLY') || code.startsWith('SQLITE_CANTOPEN') || code.startsWith('SQLITE_IOERR') || code === 'SQLITE_PERM') {
    return new MemError(`cannot write ${store} (${msg}); check permissions and free space`, EXIT_FAILURE, 'store_unwritable');
  }
  if (code === 'EACCES' || code === 'EPERM') return new MemError(`permission denied${where}`, EXIT_FAILURE, 'permission_denied');
  if (code === 'EROFS') return new MemError(`read-only file system${where}`, EXIT_FAILURE, 'read_only');
  if (code === 'EDQUOT') return new MemError(`disk quota exceeded${where}`, EXIT_FAILURE, 'disk_full');
  return null;
}

/** Is this the store staying locked past the busy timeout (a failure of the moment, not of the input)? */
export function isStoreBusy(err: unknown): boolean {
  return knownError(err)?.code === 'store_busy';
}
