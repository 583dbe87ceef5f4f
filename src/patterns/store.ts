// Learned patterns: what the task memories matching a regex have in common when they succeed or
// fail (derived in derive.ts), stored in `learned_patterns` with a confidence that user feedback
// moves. All SQL for that table lives here.
import type { Db } from '../db/open.js';
import { writeTx } from '../db/tx.js';
import { InputError, NotFoundError, UsageError } from '../errors.js';
import { recordEvent } from '../events/store.js';
import { MemoryStore } from '../memory/store/memories.js';
import { redactString } from '../redact/index.js';
import { shown } from '../util/json.js';
import type { ContextTerm, Derived, Indicator } from './derive.js';
import { streamed } from '../db/rows.js';
import { randomUuid } from '../util/ids.js';

export const PATTERN_TYPES = ['success', 'failure', 'optimization'] as const;
export type PatternType = (typeof PATTERN_TYPES)[number];
/** Kinds whose memories describe a task with an outcome. */
export const TASK_KINDS = ['task', 'experience'] as const;
/** Newest task memories read per extraction: bounds memory and regex time on a huge store. */
export const MAX_CANDIDATES = 20_000;

export interface LearnedPattern {
  id: string;
  type: PatternType;
  match: string;
  scope: string;
  description: string;
  success_indicators: Indicator[];
  failure_indicators: Indicator[];
  recommended_context: ContextTerm[];
  samples: number;
  successes: number;
  confidence: number;
  feedback: { helpful: number; not_helpful: number };
  embedding_model: string | null;
  created_at: string;
  updated_at: string;
}

interface PatternRow {
  id: string;
  type: PatternType;
  match: string;
  scope: string;
  description: string;
  success_indicators: string;
  failure_indicators: string;
  recommended_context: string;
  samples: number;
  successes: number;
  confidence: number;
  feedback_helpful: number;
  feedback_unhelpful: number;
  embedding_model: string | null;
  created_at: number;
  updated_at: number;
}

export interface Candidate {
  id: string;
  text: string;
  success: boolean;
}

export function checkPatternType(v: unknown, field = 'type'): PatternType {
  const t = typeof v === 'string' ? v.trim().toLowerCase() : '';
  if (!(PATTERN_TYPES as readonly string[]).includes(t)) throw new InputError(`must be ${PATTERN_TYPES.join(', ')}${v === undefined ? '' : `, got ${typeof v === 'string' ? `'${v.slice(0, 40)}'` : shown(v)}`}`, undefined, field);
  return t as PatternType;
}

const toPattern = (r: PatternRow): LearnedPattern => ({
  id: r.id,
  type: r.type,
  match: r.match,
  scope: r.scope,
  description: r.description,
  success_indicators: JSON.parse(r.success_indicators) as Indicator[],
  failure_indicators: JSON.parse(r.failure_indicators) as Indicator[],
  recommended_context: JSON.parse(r.recommended_context) as ContextTerm[],
  samples: r.samples,
  successes: r.successes,
  confidence: r.confidence,
  feedback: { helpful: r.feedback_helpful, not_helpful: r.feedback_unhelpful },
  embedding_model: r.embedding_model,
  created_at: new Date(r.created_at).toISOString(),
  updated_at: new Date(r.updated_at).toISOString(),
});

export class PatternStore {
  constructor(readonly db: Db) {}

  /** Task and experience memories of a scope with a known outcome, newest first; text is title + content. */
  candidates(scope: string): Candidate[] {
    const rows = new MemoryStore(this.db).withOutcome(scope, TASK_KINDS, MAX_CANDIDATES);
    return rows.map((r) => ({ id: r.id, text: r.title ? `${r.title}\n${r.content}` : r.content, success: r.success }));
  }

  /**
   * Stores a derivation. The same type + regex + scope extracted again updates that pattern in
   * place (new evidence replaces the old; feedback counts stay), so re-running never piles up copies.
   */
  save(p: { type: PatternType; match: string; scope: string; description: string; derived: Derived }, now: number): { pattern: LearnedPattern; updated: boolean } {
    const match = redactString(p.match);
    const values = {
      type: p.type,
      match,
      scope: p.scope,
      description: redactString(p.description),
      si: JSON.stringify(p.derived.success_indicators),
      fi: JSON.stringify(p.derived.failure_indicators),
      rc: JSON.stringify(p.derived.recommended_context),
      samples: p.derived.samples,
      successes: p.derived.successes,
      confidence: p.derived.confidence,
      now,
    };
    const learned = (r: { pattern: LearnedPattern; updated: boolean }) => {
      const { id, type, scope, confidence, samples } = r.pattern;
      recordEvent(this.db, 'memory.pattern.learned', { id, type, match, scope, confidence, samples, updated: r.updated }, now);
      return r;
    };
    return writeTx(this.db, () => {
      const existing = this.db.prepare('SELECT id FROM learned_patterns WHERE type = ? AND match = ? AND scope = ? ORDER BY n LIMIT 1').get(p.type, match, p.scope) as { id: string } | undefined;
      if (existing) {
        this.db
          .prepare(
            `UPDATE learned_patterns SET description = @description, success_indicators = @si, failure_indicators = @fi, recommended_context = @rc,
             samples = @samples, successes = @successes, confidence = @confidence, updated_at = @now WHERE id = @id`,
          )
          .run({ ...values, id: existing.id });
        return learned({ pattern: this.get(existing.id), updated: true });
      }
      const id = randomUuid();
      this.db
        .prepare(
          `INSERT INTO learned_patterns (id, type, match, scope, description, success_indicators, failure_indicators, recommended_context, samples, successes, confidence, created_at, updated_at, embedding_model)
           VALUES (@id, @type, @match, @scope, @description, @si, @fi, @rc, @samples, @successes, @confidence, @now, @now, NULL)`,
        )
        .run({ ...values, id });
      return learned({ pattern: this.get(id), updated: false });
    });
  }

  get(id: string): LearnedPattern {
    return toPattern(this.db.prepare('SELECT * FROM learned_patterns WHERE id = ?').get(id) as PatternRow);
  }

  /** A full id or a unique prefix of at least 6 characters. */
  resolve(idOrPrefix: string): LearnedPattern {
    const key = idOrPrefix.trim().toLowerCase();
    if (key.length < 6) throw new UsageError(`pattern id '${idOrPrefix}' is too short (give at least 6 characters)`);
    const rows = this.db.prepare('SELECT * FROM learned_patterns WHERE id >= ? AND id < ? LIMIT 2').all(key, key + '\uffff') as PatternRow[];
    if (!rows.length) throw new NotFoundError(`no learned pattern '${idOrPrefix}' (see \`mem task-patterns\`)`);
    if (rows.length > 1 && rows[0]!.id !== key) throw new UsageError(`pattern id '${idOrPrefix}' is ambiguous; give more characters`);
    return toPattern(rows[0]!);
  }

  /** Most confident first, then the most recently updated. */
  list(q: { type?: PatternType; scope?: string; limit: number }): LearnedPattern[] {
    const where: string[] = [];
    const p: Record<string, unknown> = { limit: q.limit };
    if (q.type) {
      where.push('type = @type');
      p.type = q.type;
    }
    if (q.scope !== undefined) {
      where.push('scope = @scope');
      p.scope = q.scope;
    }
    const sql = `SELECT * FROM learned_patterns ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY confidence DESC, updated_at DESC, n DESC LIMIT @limit`;
    return (this.db.prepare(sql).all(p) as PatternRow[]).map(toPattern);
  }

  /** Helpful feedback raises confidence by `adjust`, unhelpful lowers it; clamped to 0..1 and counted. */
  feedback(idOrPrefix: string, helpful: boolean, adjust: number, now: number): LearnedPattern {
    return writeTx(this.db, () => {
      const p = this.resolve(idOrPrefix);
      const confidence = Math.round(Math.min(1, Math.max(0, p.confidence + (helpful ? adjust : -adjust))) * 1000) / 1000;
      this.db
        .prepare(
          `UPDATE learned_patterns SET confidence = ?, ${helpful ? 'feedback_helpful = feedback_helpful + 1' : 'feedback_unhelpful = feedback_unhelpful + 1'}, updated_at = ? WHERE id = ?`,
        )
        .run(confidence, now, p.id);
      return this.get(p.id);
    });
  }

  /** Every learned pattern as the bundle carries it, streamed. */
  exportRows(): Iterable<Record<string, unknown>> {
    return streamed(() => this.db.prepare('SELECT * FROM learned_patterns ORDER BY n').iterate() as Iterator<Record<string, unknown>>);
  }

  /** Inserts patterns from a bundle, keeping their ids. Caller holds the transaction. Returns the count added. */
  importRows(rows: readonly Record<string, unknown>[]): number {
    let added = 0;
    for (const p of rows) {
      const cols = Object.keys(p).filter((k) => IMPORT_COLUMNS.has(k));
      const vals = cols.map((k) => (typeof p[k] === 'object' && p[k] !== null ? JSON.stringify(p[k]) : p[k]));
      added += this.db.prepare(`INSERT INTO learned_patterns (${cols.join(', ')}) VALUES (${cols.map(() => '?').join(', ')}) ON CONFLICT (id) DO NOTHING`).run(...vals).changes;
    }
    return added;
  }
}

const IMPORT_COLUMNS = new Set(['id', 'type', 'match', 'scope', 'description', 'success_indicators', 'failure_indicators', 'recommended_context', 'samples', 'successes', 'confidence', 'feedback_helpful', 'feedback_unhelpful', 'embedding_model', 'created_at', 'updated_at']);
