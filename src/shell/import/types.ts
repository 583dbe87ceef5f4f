// Shapes shared by the shell-history parsers. Parsers are pure (bytes in, entries out); storing,
// redacting and de-duplicating against the database is the caller's job (`mem import-history`).

export interface HistoryEntry {
  /** The command exactly as typed; multi-line commands carry real '\n' characters. */
  command: string;
  /** When the command started, epoch milliseconds; null when the file does not record it. */
  ts: number | null;
  /** How long it ran (zsh EXTENDED_HISTORY only); null when unknown. */
  duration_ms: number | null;
  /** 0-based ordinal of the entry among the entries returned for the file (skipped empties do not count). */
  index: number;
}

export interface HistoryFormat {
  name: 'zsh' | 'bash';
  /** 0..1 how likely the content is this format. */
  detect(sample: string): number;
  parse(data: Buffer): HistoryEntry[];
}
