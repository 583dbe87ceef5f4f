// Renderers for agents' hooks.
import type { HookResult } from '../agents/api.js';
import { safe, type Style } from './style.js';

const AGENT_NAMES: Record<string, string> = { 'claude-code': 'Claude Code', codex: 'Codex', cursor: 'Cursor' };

/** What `mem hook install|uninstall` did (or would do), for people. */
export function hookMessage(s: Style, r: HookResult): string {
  const name = AGENT_NAMES[r.agent] ?? r.agent;
  const lines: string[] = [];
  if (r.dry_run) {
    lines.push(r.diff.length ? `${r.file} would change (nothing written):` : `${r.file}: nothing to change`);
    for (const l of r.diff) lines.push(l.startsWith('+') ? s.green(safe(l)) : l.startsWith('-') ? s.red(safe(l)) : s.dim(safe(l)));
    return lines.join('\n');
  }
  if (r.action === 'unchanged') lines.push(r.events.length ? `already installed in ${r.file} (${r.events.join(', ')})` : `mem's hook is not in ${r.file}: nothing to remove`);
  else if (r.action === 'removed') lines.push(`${r.file}: mem's hook removed (other hooks kept); ${name}'s commands are no longer recorded`);
  else {
    lines.push(`${r.file}: ${r.action === 'updated' ? 'updated' : 'installed'} mem's hook on ${r.events.join(', ')}${r.recall ? ' (recall on failure)' : ''}`);
    lines.push(`the hook: ${r.script}`);
    lines.push(`${name}'s commands now go to your history: mem history --author ${r.agent}`);
  }
  if (r.backup) lines.push(s.dim(`backup: ${r.backup}`));
  return lines.join('\n');
}
