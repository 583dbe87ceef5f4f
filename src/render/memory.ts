// Renderers for semantic memory. Stored text is passed through `safe` so that escape sequences in
// a memory can never drive the terminal.
import type { Memory } from '../memory/model.js';
import { ago, safe, table, truncate, type Style } from './style.js';

const status = (s: Style, m: Memory) =>
  ({ pending: s.yellow('pending'), processing: s.cyan('processing'), completed: s.green('embedded'), failed: s.red('failed') })[m.embedding_status];

export function renderMemoryList(s: Style, data: Memory[], meta: { page: number; total: number; total_pages: number; next_cursor: string | null }, now: number): string {
  if (!data.length) return s.dim('no memories match');
  const t = table(
    s,
    ['id', 'kind', 'title / content', 'tags', 'scope', 'created', 'embedding'],
    data.map((m) => [m.id.slice(0, 8), m.kind, truncate(m.title || m.content, 50), truncate(m.tags.join(','), 20), truncate(m.scope, 24), ago(Date.parse(m.created_at), now), status(s, m)]),
  );
  const footer = `${meta.total} memories${meta.page ? `, page ${meta.page} of ${meta.total_pages}` : ''}${meta.next_cursor ? `; next: --cursor ${meta.next_cursor}` : ''}`;
  return `${t}\n${s.dim(footer)}`;
}

export function renderMemory(s: Style, m: Memory): string {
  const head = [
    `${s.bold(safe(m.title || '(untitled)'))}  ${s.dim(m.kind)}${m.success === null ? '' : m.success ? s.green(' ✓ success') : s.red(' ✗ failure')}`,
    s.dim(`id ${m.id}  scope ${safe(m.scope)}  source ${m.source}${m.task_id ? `  task ${safe(m.task_id)}` : ''}`),
    s.dim(`created ${m.created_at}  updated ${m.updated_at}  reused ${m.reused_count}×  embedding ${m.embedding_status}${m.embedding_model ? ` (${m.embedding_model})` : ''}`),
  ];
  if (m.tags.length) head.push(`tags: ${m.tags.map((t) => s.cyan(safe(t))).join(', ')}`);
  if (Object.keys(m.metadata).length) head.push(`metadata: ${safe(JSON.stringify(m.metadata))}`);
  if (m.near_duplicate_of) head.push(s.yellow(`near-duplicate of ${m.near_duplicate_of}`));
  if (m.embedding_error) head.push(s.red(`embedding error: ${safe(m.embedding_error)}`));
  return [...head, '', safe(m.content)].join('\n');
}
