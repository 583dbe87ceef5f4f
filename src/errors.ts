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

/** Bad usage or bad input: exit 2, nothing written. */
export class UsageError extends MemError {
  constructor(message: string, code = 'usage') {
    super(message, EXIT_USAGE, code);
    this.name = 'UsageError';
  }
}

/** Input data at fault, located by line and field where known. */
export class InputError extends UsageError {
  constructor(
    message: string,
    readonly line?: number,
    readonly field?: string,
  ) {
    super(InputError.compose(message, line, field), 'bad_input');
    this.name = 'InputError';
  }

  private static compose(message: string, line?: number, field?: string): string {
    const where = [line !== undefined ? `line ${line}` : '', field ? `field '${field}'` : ''].filter(Boolean);
    return where.length ? `${where.join(', ')}: ${message}` : message;
  }
}
