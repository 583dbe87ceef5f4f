// Intent-named reads and writes of fix attempts. All SQL for attempts lives here.
import { randomUUID } from 'node:crypto';
import type { Db } from '../db/open.js';
import { Aggregator, contributionOf, type AttemptRow } from './aggregates.js';
import type { FixAttemptInput } from './input.js';
import { fixKey, issueSignature, modelFamily } from './signature.js';

/** An attempt as commands return it (and as it is exported). */
export interface FixAttempt {
  id: number;
  uid: string;
  timestamp: string;
  model: string;
  model_family: string;
  issue_type: string;
  issue_signature: string;
  description: string;
  test_prompt: string;
  actual_response: string;
  fixer_type: string;
  analysis: string;
  confidence: number | null;
  fix_commands: string[];
  fix_success: boolean;
  verification_success: boolean | null;
  execution_time: number | null;
  system_info: Record<string, unknown>;
  notes: string;
  extra: Record<string, unknown>;
}

/** An attempt read from an export bundle: its identity and its validated fields. */
export interface ExportedAttempt {
  uid: string;
  input: FixAttemptInput;
}

interface DbAttempt extends AttemptRow {
  id: number;
  uid: string;
  actual_response: string;
  analysis: string;
  confidence: number | null;
  verification_success: number | null;
  system_info: string;
  notes: string;
  extra: string;
}

export function toAttempt(r: DbAttempt): FixAttempt {
  return {
    id: r.id,
    uid: r.uid,
    timestamp: new Date(r.ts).toISOString(),
    model: r.model_name,
    model_family: r.model_family,
    issue_type: r.issue_type,
    issue_signature: r.issue_signature,
    description: r.description,
    test_prompt: r.test_prompt,
    actual_response: r.actual_response,
    fixer_type: r.fixer_type,
    analysis: r.analysis,
    confidence: r.confidence,
    fix_commands: JSON.parse(r.fix_commands) as string[],
    fix_success: r.fix_success === 1,
    verification_success: r.verification_success === null ? null : r.verification_success === 1,
    execution_time: r.execution_time,
    system_info: JSON.parse(r.system_info) as Record<string, unknown>,
    notes: r.notes,
    extra: JSON.parse(r.extra) as Record<string, unknown>,
  };
}

export class FixStore {
  constructor(readonly db: Db) {}

  private insertStmt() {
    return this.db.prepare(`
      INSERT INTO fix_attempts (uid, ts, model_name, model_family, issue_type, issue_signature, description, test_prompt,
        actual_response, fixer_type, analysis, confidence, fix_commands, fix_key, fix_success, verification_success,
        execution_time, system_info, notes, extra)
      VALUES (@uid, @ts, @model_name, @model_family, @issue_type, @issue_signature, @description, @test_prompt,
        @actual_response, @fixer_type, @analysis, @confidence, @fix_commands, @fix_key, @fix_success, @verification_success,
        @execution_time, @system_info, @notes, @extra)
      ON CONFLICT (uid) DO NOTHING`);
  }

  /** Stores attempts and updates every aggregate, all in one transaction. */
  record(inputs: readonly FixAttemptInput[], now: number): { id: number; issue_signature: string }[] {
    const insert = this.insertStmt();
    const agg = new Aggregator(this.db);
    return this.db.transaction(() =>
      inputs.map((a) => {
        const row = rowOf(a, randomUUID(), a.ts ?? now);
        const id = Number(insert.run(row).lastInsertRowid);
        agg.apply(contributionOf(row));
        return { id, issue_signature: row.issue_signature };
      }),
    )();
  }

  /** Inserts attempts from a bundle, keeping their uids; returns how many were new. Caller holds a transaction. */
  insertExported(attempts: readonly ExportedAttempt[]): number {
    const insert = this.insertStmt();
    let added = 0;
    for (const a of attempts) added += insert.run(rowOf(a.input, a.uid, a.input.ts ?? 0)).changes;
    return added;
  }

  get(id: number): FixAttempt | undefined {
    const r = this.db.prepare('SELECT * FROM fix_attempts WHERE id = ?').get(id) as DbAttempt | undefined;
    return r && toAttempt(r);
  }

  /** Successful first, then newest. */
  bySignature(signature: string, limit: number): FixAttempt[] {
    return this.list('issue_signature = ?', [signature], limit);
  }

  byModelAndType(model: string, type: string, excludeSignature: string | null, limit: number): FixAttempt[] {
    return this.list('model_name = ? AND issue_type = ? AND issue_signature IS NOT ?', [model, type, excludeSignature], limit);
  }

  byType(type: string, excludeModel: string | null, excludeSignature: string | null, limit: number): FixAttempt[] {
    return this.list('issue_type = ? AND model_name IS NOT ? AND issue_signature IS NOT ?', [type, excludeModel, excludeSignature], limit);
  }

  byModel(model: string, limit: number): FixAttempt[] {
    return this.list('model_name = ?', [model], limit, 'ts DESC');
  }

  since(sinceMs: number, limit: number): FixAttempt[] {
    return this.list('ts >= ?', [sinceMs], limit, 'ts DESC');
  }

  private list(where: string, params: unknown[], limit: number, order = 'fix_success DESC, ts DESC'): FixAttempt[] {
    const rows = this.db.prepare(`SELECT * FROM fix_attempts WHERE ${where} ORDER BY ${order} LIMIT ?`).all(...params, limit) as DbAttempt[];
    return rows.map(toAttempt);
  }
}

function rowOf(a: FixAttemptInput, uid: string, ts: number) {
  const commands = JSON.stringify(a.fix_commands);
  return {
    uid,
    ts,
    model_name: a.model.trim(),
    model_family: modelFamily(a.model),
    issue_type: a.issue_type,
    issue_signature: issueSignature(a),
    description: a.description,
    test_prompt: a.test_prompt,
    actual_response: a.actual_response,
    fixer_type: a.fixer_type,
    analysis: a.analysis,
    confidence: a.confidence,
    fix_commands: commands,
    fix_key: fixKey(a.fix_commands),
    fix_success: a.fix_success ? 1 : 0,
    verification_success: a.verification_success === null ? null : a.verification_success ? 1 : 0,
    execution_time: a.execution_time,
    system_info: JSON.stringify(a.system_info),
    notes: a.notes,
    extra: JSON.stringify(a.extra),
  };
}

