// What a tool is to the MCP front end: a name, a zod input and output schema (published as JSON
// Schema), what it does to the store (its annotations), and a function from validated arguments
// to structured content, calling the core API only.
import { z } from 'zod';
import type { Mem } from '../core/mem.js';

/** What a tool gets besides its arguments: the core, and who is calling. */
export interface ToolContext {
  mem: Mem;
  /** The client's name from initialisation (`claude-code`, `cursor`, ...), or null before it. */
  client: string | null;
}

/**
 * read: changes nothing a user would notice (searches still count a memory's reuse);
 * write: adds to the store; idempotent: the same call twice stores once; destructive: removes.
 */
export type Effect = 'read' | 'write' | 'idempotent' | 'destructive';

export interface Tool<I extends z.ZodObject = z.ZodObject, O extends z.ZodObject = z.ZodObject> {
  name: string;
  title: string;
  description: string;
  effect: Effect;
  input: I;
  output: O;
  run(args: z.output<I>, ctx: ToolContext): z.input<O> | Promise<z.input<O>>;
}

/** Declares a tool with its argument and result types inferred from its schemas. */
export const tool = <I extends z.ZodObject, O extends z.ZodObject>(t: Tool<I, O>): Tool => t;

export function annotations(effect: Effect): { readOnlyHint: boolean; destructiveHint: boolean; idempotentHint: boolean; openWorldHint: boolean } {
  return {
    readOnlyHint: effect === 'read',
    destructiveHint: effect === 'destructive',
    idempotentHint: effect === 'read' || effect === 'idempotent',
    openWorldHint: false, // one local store, no network
  };
}

/**
 * Bad arguments as one line naming the field: `field 'top_k': must be at most 100, got 500`.
 * Only the first problem is told: the caller fixes it and asks again.
 */
export function argumentError(error: z.ZodError): string {
  const issue = error.issues[0];
  if (!issue) return 'invalid arguments';
  const path = issue.path.map(String).join('.');
  const field = issue.code === 'unrecognized_keys' ? '' : path ? `field '${path}': ` : '';
  return field + describeIssue(issue);
}

function describeIssue(issue: z.core.$ZodIssue): string {
  const got = 'input' in issue && issue.input !== undefined ? `, got ${short(issue.input)}` : '';
  switch (issue.code) {
    case 'invalid_type':
      return issue.input === undefined ? 'is required' : `must be ${article(issue.expected)}${got}`;
    case 'too_big': {
      const unit = issue.origin === 'string' ? ' characters' : issue.origin === 'array' ? ' items' : '';
      return `must be at most ${String(issue.maximum)}${unit}${issue.origin === 'string' || issue.origin === 'array' ? '' : got}`;
    }
    case 'too_small': {
      const unit = issue.origin === 'string' ? ' characters' : issue.origin === 'array' ? ' items' : '';
      if (issue.origin === 'string' && issue.minimum === 1) return 'must not be empty';
      return `must be at least ${String(issue.minimum)}${unit}${issue.origin === 'string' || issue.origin === 'array' ? '' : got}`;
    }
    case 'invalid_value':
      return `must be one of ${issue.values.map((v) => String(v)).join(', ')}${got}`;
    case 'unrecognized_keys': {
      const where = issue.path.length ? ` in '${issue.path.map(String).join('.')}'` : '';
      return `unknown field${issue.keys.length > 1 ? 's' : ''} ${issue.keys.map((k) => `'${k}'`).join(', ')}${where}`;
    }
    case 'not_multiple_of':
      return `must be a whole number${got}`;
    default:
      return issue.message + got;
  }
}

const article = (t: string) => (t === 'int' ? 'a whole number' : t === 'array' ? 'a list' : t === 'object' || t === 'record' ? 'a JSON object' : /^[aeiou]/.test(t) ? `an ${t}` : `a ${t}`);

function short(v: unknown): string {
  const s = JSON.stringify(v) ?? String(v);
  return s.length > 60 ? `${s.slice(0, 57)}...` : s;
}
