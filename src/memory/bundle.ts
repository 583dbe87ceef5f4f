// The memory part of the export bundle: memories (without vectors: an import queues them to be
// embedded again) and their audit trail, keyed by memory id.
import { check, mapRows, type BundlePart } from '../core/bundle-part.js';
import { InputError } from '../errors.js';
import { redactDeep } from '../redact/index.js';
import { isObj } from '../util/json.js';
import { memoryFromObject, type MemoryInput } from './input.js';
import { MemoryStore, type ImportedMeta } from './store/memories.js';

export interface MemoriesPart {
  memories: (MemoryInput & ImportedMeta)[];
  audit: { memory_id: string; at: number; action: string; changes: unknown }[];
}

const json = (r: Record<string, unknown>, cols: string[]) => {
  for (const c of cols) if (typeof r[c] === 'string') r[c] = JSON.parse(r[c]);
  return r;
};

export const memoryBundle: BundlePart<MemoriesPart> = {
  exportSections(db) {
    const store = new MemoryStore(db);
    return [
      ['memories', mapRows(store.exportRows(), (r) => ({ ...json(r, ['tags', 'metadata']), success: r.success === null ? null : r.success === 1 }))],
      ['memory_audit', mapRows(store.exportAudit(), (r) => json(r, ['changes']))],
    ];
  },
  parse(list) {
    const memories = list('memories').map((m, i) => {
      if (!isObj(m) || !check.str(m.id) || !check.time(m.created_at) || !check.time(m.updated_at) || !check.str(m.scope)) {
        return check.bad('memories', i, 'must be a memory with id, scope, created_at and updated_at (epoch milliseconds)');
      }
      if (!check.optTime(m.accessed_at) || !check.optTime(m.deleted_at)) return check.bad('memories', i, 'accessed_at and deleted_at must be epoch milliseconds or null');
      if (m.reused_count !== undefined && m.reused_count !== null && !check.count(m.reused_count)) return check.bad('memories', i, 'reused_count must be a whole number from 0');
      try {
        const input = memoryFromObject(m);
        return {
          ...input,
          id: m.id,
          scope: input.scope ?? m.scope,
          created_at: m.created_at,
          updated_at: m.updated_at,
          accessed_at: m.accessed_at ?? null,
          deleted_at: m.deleted_at ?? null,
          reused_count: m.reused_count ?? 0,
        };
      } catch (err) {
        if (err instanceof InputError) return check.bad('memories', i, err.message);
        throw err;
      }
    });
    const audit = list('memory_audit').map((a, i) =>
      isObj(a) && check.str(a.memory_id) && check.time(a.at) && check.str(a.action) && (a.changes === undefined || a.changes === null || isObj(a.changes))
        ? { memory_id: a.memory_id, at: a.at, action: a.action, changes: redactDeep(a.changes ?? {}).value }
        : check.bad('memory_audit', i, 'must have memory_id, at (epoch milliseconds), action, and changes as an object'),
    );
    return { memories, audit };
  },
  count: (p) => ({ memories: p.memories.length }),
  merge: (db, p, now) => ({ memories: new MemoryStore(db).importRows(p.memories, p.audit, now) }),
};
