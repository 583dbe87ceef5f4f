// What an agent's hook payload says about a shell command. Each agent sends its own JSON (see
// README "Capturing agents' commands"); this reads the fields they document and nothing else:
//  - Claude Code and Codex: PreToolUse / PostToolUse (and Claude Code's PostToolUseFailure) for the
//    `Bash` tool: session_id, cwd, tool_use_id, tool_input.command (and .description), then
//    tool_response or error.
//  - Cursor: afterShellExecution: conversation_id, command, cwd (else workspace_roots[0]), output,
//    duration (ms). No id to pair with a start, so the end alone is the whole command.
import { isObj } from '../util/json.js';
import type { AgentSpoolRecord } from './spool.js';

export const AGENTS = ['claude-code', 'codex', 'cursor'] as const;
export type Agent = (typeof AGENTS)[number];

export interface AgentEvent {
  agent: string;
  /** start: the call began; end: it finished; whole: the end carries everything (Cursor). */
  phase: 'start' | 'end' | 'whole';
  uid: string;
  session: string | null;
  command: string;
  intent: string | null;
  cwd: string | null;
  /** When the hook ran (epoch ms). */
  at: number;
  exit_code: number | null;
  duration_ms: number | null;
}

type Obj = Record<string, unknown>;
const str = (v: unknown): string | null => (typeof v === 'string' && v !== '' ? v : null);
const num = (v: unknown): number | null => (typeof v === 'number' && Number.isFinite(v) ? Math.round(v) : null);
/** The shell tool's names: Claude Code's and Codex's `Bash` (Codex maps its shell tools to it). */
const SHELL_TOOLS = new Set(['Bash', 'shell', 'exec_command', 'local_shell']);

/** An exit status written in text: "Exit code 2", "exit code: 1", "exited with code 127". */
export function exitInText(text: string): number | null {
  const m = /\bexit(?:ed)?(?: with)?(?: status| code)\s*:?\s*(-?\d{1,3})\b/i.exec(text);
  return m ? Number(m[1]) : null;
}

/** The exit status of a finished call from its tool_response (Codex: whatever shape it has). */
function exitOfResponse(agent: string, r: unknown): number | null {
  if (isObj(r)) {
    for (const k of ['exit_code', 'exitCode', 'exit_status', 'returncode']) {
      const n = num(r[k]);
      if (n !== null) return n;
    }
    if (r.interrupted === true) return 130;
    for (const k of ['output', 'stderr', 'formatted_output']) {
      const t = str(r[k]);
      const n = t === null ? null : exitInText(t.slice(0, 400));
      if (n !== null) return n;
    }
    // Claude Code sends PostToolUse only for calls that succeeded (failures: PostToolUseFailure).
    return agent === 'claude-code' ? 0 : null;
  }
  if (typeof r === 'string') return exitInText(r.slice(0, 400)) ?? (agent === 'claude-code' ? 0 : null);
  return agent === 'claude-code' ? 0 : null;
}

/** The event in one spool record, null when it is not about a shell command; a string says why it is unreadable. */
export function agentEvent(rec: AgentSpoolRecord): AgentEvent | null | string {
  let p: unknown;
  try {
    p = JSON.parse(rec.payload);
  } catch {
    return 'an agent payload that is not JSON';
  }
  if (!isObj(p)) return 'an agent payload that is not a JSON object';
  const event = str(p.hook_event_name);
  if (rec.agent === 'cursor' || event === 'afterShellExecution' || event === 'beforeShellExecution') return cursorEvent(rec, p, event);
  if (!SHELL_TOOLS.has(str(p.tool_name) ?? '')) return null;
  const input = isObj(p.tool_input) ? p.tool_input : {};
  const command = str(input.command) ?? (Array.isArray(input.command) ? input.command.filter((c) => typeof c === 'string').join(' ') : null);
  const id = str(p.tool_use_id);
  if (!command || !id) return null;
  const base = {
    agent: rec.agent,
    uid: `agent:${rec.agent}:${id}`,
    session: str(p.session_id) ? `${rec.agent}:${str(p.session_id)}` : null,
    command,
    intent: str(input.description),
    cwd: str(p.cwd),
    at: rec.at,
    duration_ms: num(p.duration_ms),
  };
  if (event === 'PreToolUse') return { ...base, phase: 'start', exit_code: null, duration_ms: null };
  if (event === 'PostToolUse') return { ...base, phase: 'end', exit_code: exitOfResponse(rec.agent, p.tool_response) };
  if (event === 'PostToolUseFailure') {
    const exit = p.is_interrupt === true ? 130 : (exitInText(str(p.error)?.slice(0, 400) ?? '') ?? 1);
    return { ...base, phase: 'end', exit_code: exit === 0 ? 1 : exit };
  }
  return null;
}

function cursorEvent(rec: AgentSpoolRecord, p: Obj, event: string | null): AgentEvent | null {
  if (event !== 'afterShellExecution') return null; // the start carries nothing the end lacks
  const command = str(p.command);
  if (!command) return null;
  const roots = Array.isArray(p.workspace_roots) ? p.workspace_roots : [];
  const session = str(p.conversation_id);
  const duration = num(p.duration) ?? num(p.duration_ms);
  return {
    agent: rec.agent,
    phase: 'whole',
    uid: `agent:${rec.agent}:${session ?? '-'}:${str(p.generation_id) ?? '-'}:${rec.at}:${hash(command)}`,
    session: session ? `${rec.agent}:${session}` : null,
    command,
    intent: null,
    cwd: str(p.cwd) ?? str(roots[0]),
    at: duration !== null ? rec.at - duration : rec.at,
    exit_code: num(p.exit_code) ?? num(p.exitCode),
    duration_ms: duration,
  };
}

/** A short digest (FNV-1a) that tells two commands ended in the same millisecond apart. */
function hash(s: string): string {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 0x01000193);
  return (h >>> 0).toString(36);
}
