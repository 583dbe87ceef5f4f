// Memories over MCP: whole memories on request (a long content in parts), task context, adding
// and (with --allow-destructive) deleting.
import { z } from 'zod';
import { MemError } from '../../errors.js';
import type { Memory } from '../../memory/api.js';
import { KINDS, MEMORY_LIMITS, SOURCES } from '../../memory/model.js';
import { ANSWER_BYTES, clipText, jsonBytes, shrink } from '../budget.js';
import { answer, loose, required, scopeArgs } from '../schemas.js';
import { tool, type Tool } from '../tool.js';

const fullMemory = z.object({
  id: z.string(),
  kind: z.string(),
  title: z.string(),
  content: z.string().describe('the content, or the part of it from content_offset when it is too long for one answer'),
  content_offset: z.number().int(),
  content_chars: z.number().int().describe('the length of the whole content'),
  next_content_offset: z.number().int().nullable().describe('ask memory_get again with this content_offset for the rest; null when complete'),
  tags: z.array(z.string()),
  metadata: z.record(z.string(), z.unknown()),
  source: z.string(),
  source_id: z.string().nullable(),
  scope: z.string(),
  success: z.boolean().nullable(),
  task_id: z.string().nullable(),
  language: z.string().nullable(),
  created_at: z.string(),
  updated_at: z.string(),
  reused_count: z.number().int(),
  embedding_status: z.string(),
  near_duplicate_of: z.string().nullable(),
});
type FullMemory = z.input<typeof fullMemory>;

/** Metadata beyond this many bytes is replaced by a note: the content comes first. */
const METADATA_BYTES = 4000;

/** A memory within `room` bytes: its content from `offset`, as much as fits. */
export function memoryWithin(m: Memory, offset: number, room: number): FullMemory {
  const metadata = jsonBytes(m.metadata) > METADATA_BYTES ? { _omitted: `metadata of ${jsonBytes(m.metadata)} bytes is too large for one answer` } : m.metadata;
  const head: FullMemory = {
    id: m.id,
    kind: m.kind,
    title: m.title,
    content: '',
    content_offset: offset,
    content_chars: m.content.length,
    next_content_offset: null,
    tags: m.tags,
    metadata,
    source: m.source,
    source_id: m.source_id,
    scope: m.scope,
    success: m.success,
    task_id: m.task_id,
    language: m.language,
    created_at: m.created_at,
    updated_at: m.updated_at,
    reused_count: m.reused_count,
    embedding_status: m.embedding_status,
    near_duplicate_of: m.near_duplicate_of,
  };
  const rest = m.content.slice(Math.min(offset, m.content.length));
  const content = clipText(rest, Math.max(0, room - jsonBytes(head)));
  const end = offset + content.length;
  return { ...head, content, next_content_offset: end < m.content.length ? end : null };
}

const memoryGet = tool({
  name: 'memory_get',
  title: 'Get memories',
  description:
    'Whole memories by id (or a 6+ character id prefix), as found by memory_search or recall_error. A content too long for one answer comes in parts: ask again with next_content_offset.',
  effect: 'read',
  input: z.strictObject({
    ids: z.array(required(100)).min(1).max(20).describe('memory ids, at most 20'),
    content_offset: z.number().int().min(0).max(MEMORY_LIMITS.content).optional().describe('start each content here (to read the rest of a long one)'),
  }),
  output: answer({
    memories: z.array(fullMemory),
    not_found: z.array(z.object({ id: z.string(), error: z.string() })),
    omitted_ids: z.array(z.string()).describe('found but not returned, to keep the answer small: ask for them again'),
  }),
  run(a, { mem }) {
    const memories: FullMemory[] = [];
    const notFound: { id: string; error: string }[] = [];
    const omitted: string[] = [];
    let room = ANSWER_BYTES - 400 - jsonBytes(a.ids) * 2;
    for (const id of a.ids) {
      if (room < 1500 && memories.length) {
        omitted.push(id);
        continue;
      }
      let m: Memory;
      try {
        m = mem.memories.get(id);
      } catch (err) {
        if (!(err instanceof MemError) || !['not_found', 'usage'].includes(err.code)) throw err;
        notFound.push({ id, error: err.message });
        continue;
      }
      const item = memoryWithin(m, a.content_offset ?? 0, room);
      memories.push(item);
      room -= jsonBytes(item) + 1;
    }
    return { memories, not_found: notFound, omitted_ids: omitted };
  },
});

const memoryAdd = tool({
  name: 'memory_add',
  title: 'Remember something',
  description:
    'Store a memory (a note, a solution, an error and its fix, a decision...). Returns at once; it is embedded in the background. Identical content of the same kind and scope is stored once (the existing id is returned).',
  effect: 'idempotent',
  input: z.strictObject({
    content: required(MEMORY_LIMITS.content),
    kind: z.enum(KINDS).optional().describe('default note'),
    title: z.string().max(MEMORY_LIMITS.title).optional(),
    tags: z.array(required(MEMORY_LIMITS.tag)).max(MEMORY_LIMITS.tags).optional(),
    metadata: z.record(z.string(), z.unknown()).optional(),
    source: z.enum(SOURCES).optional().describe('default integration (a program, such as this agent)'),
    success: z.boolean().optional().describe('the outcome, for tasks and experiences'),
    task_id: required(200).optional(),
    language: required(50).optional(),
    scope: scopeArgs.scope,
  }),
  output: answer({
    id: z.string(),
    created: z.boolean().describe('false when identical content was already stored'),
    duplicate_of: z.string().nullable(),
    embedding_status: z.string(),
  }),
  run(a, { mem }) {
    const { scope, ...fields } = a;
    const r = mem.memories.add({ ...fields, source: fields.source ?? 'integration' }, { scope });
    return { id: r.memory.id, created: r.created, duplicate_of: r.duplicate_of, embedding_status: r.memory.embedding_status };
  },
});

const memoryDelete = tool({
  name: 'memory_delete',
  title: 'Delete a memory',
  description: 'Delete a memory: hidden from search and lists, kept in the audit trail; purge: true removes it from disk for good.',
  effect: 'destructive',
  input: z.strictObject({ id: required(100), purge: z.boolean().optional() }),
  output: answer({ id: z.string(), title: z.string(), deleted: z.literal(true), purged: z.boolean() }),
  run(a, { mem }) {
    const m = mem.memories.remove(a.id, { purge: a.purge });
    return { id: m.id, title: m.title, deleted: true as const, purged: Boolean(a.purge) };
  },
});

const taskContext = tool({
  name: 'task_context',
  title: 'Context for a task',
  description:
    'Before starting a task: similar past tasks and experiences with their outcomes, learned patterns that match, related fix patterns and shell workflows, and recommendations in words.',
  effect: 'read',
  input: z.strictObject({
    task: required(5000).describe('the task, in words'),
    ...scopeArgs,
    top_k: z.number().int().min(1).max(20).optional().describe('similar tasks (default 3)'),
  }),
  output: answer({
    task: z.string(),
    similar_tasks: z.array(loose({ id: z.string(), title: z.string(), snippet: z.string(), success: z.boolean().nullable(), similarity: z.number() })),
    matching_patterns: z.array(loose({ id: z.string(), description: z.string(), confidence: z.number() })),
    related_fixes: z.array(loose({ name: z.string(), issue_signature: z.string() })),
    related_workflows: z.array(loose({ steps: z.array(z.string()) })),
    recommendations: z.array(z.string()),
    notice: z.string().nullable(),
  }),
  async run(a, { mem }) {
    const c = await mem.taskContext(a.task, { scope: a.scope, allScopes: a.all_scopes, topK: a.top_k });
    const { notice_said: _said, ...rest } = c;
    return shrink(rest);
  },
});

export const memoryTools: Tool[] = [memoryGet, taskContext, memoryAdd];
export const destructiveMemoryTools: Tool[] = [memoryDelete];
