// Shapes shared by the history importers. Parsers are pure (bytes in, entries out); storing,
// redacting and de-duplicating against the database is the caller's job (`mem import-history`).

export type HistoryFormatName = 'zsh' | 'bash' | 'fish' | 'atuin';

export interface HistoryEntry {
  /** The command exactly as typed; multi-line commands carry real '\n' characters. */
  command: string;
  /** When the command started, epoch milliseconds; null when the source does not record it. */
  ts: number | null;
  /** How long it ran; null when unknown. */
  duration_ms: number | null;
  /** 0-based ordinal of the entry among the entries returned for the file (skipped empties do not count). */
  index: number;
  // Only sources that record them (atuin) set the fields below.
  /** The source's own stable id for the entry: when present it alone identifies the entry. */
  id?: string;
  exit_code?: number | null;
  cwd?: string | null;
  session?: string | null;
  host?: string | null;
  user?: string | null;
  /** The shell that ran it, when the source says (atuin >= 18.x records it). */
  shell?: string | null;
}

/** Something in the input that was repaired rather than imported as written. */
export interface ImportWarning {
  /** 1-based line of a text history; for a database (atuin), the 1-based row in time order. */
  line: number;
  message: string;
}

export interface ParseInput {
  data: Buffer;
  /** Where the data came from; a database is opened there (to see its WAL), the bytes are the fallback. */
  path?: string;
  /** The clock: times after now + 1 day are implausible. */
  now: number;
}

export interface ParseResult {
  entries: HistoryEntry[];
  warnings: ImportWarning[];
}

export interface HistoryFormat {
  name: HistoryFormatName;
  /** 0..1 how likely the sample (the file's first bytes, as latin1) is this format. */
  detect(sample: string): number;
  /** Never throws on bad content except a UsageError when the input is not this format at all. */
  parse(input: ParseInput): ParseResult;
}
