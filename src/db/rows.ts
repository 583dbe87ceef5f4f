// Query results streamed for export, opened only when iterated.

/**
 * A query's rows, read only when iterated. better-sqlite3 opens a cursor at `.iterate()`, and an
 * open cursor keeps the connection busy: an export holding cursors for sections it had not reached
 * yet could not roll back its read transaction when one section failed (a corrupt page, a full
 * disk), and the real error was lost behind "This database connection is busy executing a query".
 */
export function streamed<T>(open: () => Iterator<T>): Iterable<T> {
  return { [Symbol.iterator]: open };
}
