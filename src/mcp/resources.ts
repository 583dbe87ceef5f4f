// Resources: what a client can attach to a conversation by URI. The overview, an issue pattern, a
// model's record and a memory, each as JSON within the answer budget.
import type { Mem } from '../core/mem.js';
import { ANSWER_BYTES, shrink } from './budget.js';
import { memoryWithin } from './tools/memory.js';
import { summary } from './tools/fixes.js';

export interface Resource {
  uri: string;
  name: string;
  title: string;
  description?: string;
  mimeType: string;
}

export interface ResourceTemplate {
  uriTemplate: string;
  name: string;
  title: string;
  description: string;
  mimeType: string;
}

const JSON_TYPE = 'application/json';

export const TEMPLATES: ResourceTemplate[] = [
  { uriTemplate: 'mem://fix/patterns/{signature}', name: 'fix-pattern', title: 'Issue pattern', description: "An issue pattern by its 16-hex signature: attempts, success rate, best fix.", mimeType: JSON_TYPE },
  { uriTemplate: 'mem://models/{name}', name: 'model', title: 'Model record', description: "A model's fix record: success rate, common issues, effective fixes, recent attempts (the name URI-encoded: llama3%3A8b).", mimeType: JSON_TYPE },
  { uriTemplate: 'mem://memories/{id}', name: 'memory', title: 'Memory', description: 'One memory by id (its content up to the answer size; memory_get reads the rest).', mimeType: JSON_TYPE },
];

/** The overview, and the most recently seen issue patterns. */
export function listResources(mem: Mem): Resource[] {
  const patterns = mem.fixes.patterns({ limit: 50 }).map((p) => ({
    uri: `mem://fix/patterns/${p.issue_signature}`,
    name: `fix-pattern-${p.issue_signature}`,
    title: p.name,
    description: `${p.attempts} attempts, ${p.success_rate === null ? 'no outcome yet' : `${Math.round(p.success_rate * 100)}% fixed`}`,
    mimeType: JSON_TYPE,
  }));
  return [{ uri: 'mem://stats', name: 'stats', title: 'What mem remembers', description: 'Totals and breakdowns of fixes, shell history and workflows.', mimeType: JSON_TYPE }, ...patterns];
}

/** A resource's JSON, or null for a URI that names no resource of mem's. Missing records throw NotFoundError. */
export function readResource(mem: Mem, uri: string): unknown {
  if (uri === 'mem://stats') return shrink({ ...mem.stats() });
  let m = /^mem:\/\/fix\/patterns\/([^/]+)$/.exec(uri);
  if (m) return shrink({ ...mem.fixes.pattern(decodeURIComponent(m[1]!)) });
  m = /^mem:\/\/models\/([^/]+)$/.exec(uri);
  if (m) {
    const model = mem.fixes.model(decodeURIComponent(m[1]!), { limit: 10 });
    return shrink({ ...model, recent: model.recent.map(summary) });
  }
  m = /^mem:\/\/memories\/([^/]+)$/.exec(uri);
  if (m) return memoryWithin(mem.memories.get(decodeURIComponent(m[1]!)), 0, ANSWER_BYTES - 200);
  return null;
}
