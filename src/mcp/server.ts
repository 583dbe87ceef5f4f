// The MCP server: tools and resources over the core API. Arguments are validated against the
// tools' schemas here (one line naming the field when they are wrong), answers against their
// output schemas and the size budget, and every error becomes a tool error: a bad call never
// takes the server down.
import { Server } from '@modelcontextprotocol/sdk/server/index.js';
import {
  CallToolRequestSchema,
  ErrorCode,
  ListResourcesRequestSchema,
  ListResourceTemplatesRequestSchema,
  ListToolsRequestSchema,
  McpError,
  ReadResourceRequestSchema,
  type CallToolResult,
} from '@modelcontextprotocol/sdk/types.js';
import { z } from 'zod';
import type { Mem } from '../core/mem.js';
import { knownError } from '../errors.js';
import { ANSWER_BYTES, jsonBytes, shrink } from './budget.js';
import { listResources, readResource, TEMPLATES } from './resources.js';
import { annotations, argumentError, type Tool } from './tool.js';
import { episodeTools } from './tools/episodes.js';
import { fixTools } from './tools/fixes.js';
import { destructiveMemoryTools, memoryTools } from './tools/memory.js';
import { searchTools } from './tools/search.js';
import { shellTools } from './tools/shell.js';

export interface McpOptions {
  /** Offer memory_delete. */
  allowDestructive?: boolean;
  version?: string;
  /** Where diagnostics go (stderr: stdout is the protocol's). */
  log?: (line: string) => void;
}

const INSTRUCTIONS = `mem is this user's local memory of their terminal and of AI fixes: shell history, fix attempts, notes, solutions and past task episodes.
- A command failed: recall_error with its message (how it was fixed before); history_search with failed: true for what ran around it.
- Starting a task: task_context. Fixing a model's issue: fix_context, then fix_record with the outcome (idempotent by uid).
- Lists are small: ids, titles, snippets and scores; memory_get for whole memories; next_cursor pages on.
- Scores are absolute, 0..1, comparable across queries: semantic = cosine similarity of the vectors; keyword = the memory's BM25 relative to a memory holding every query word once (1 - e^(-2r): a full match ~0.86, half ~0.63); hybrid = 0.6 semantic + 0.4 keyword. Below ~0.3 is a weak match.
- Learned something worth keeping: memory_add.`;

/** The tools this server offers: memory_delete only when destruction is allowed. */
export function toolsFor(o: McpOptions): Tool[] {
  return [...searchTools, ...memoryTools, ...fixTools, ...shellTools, ...episodeTools, ...(o.allowDestructive ? destructiveMemoryTools : [])];
}

const schemaOf = (s: z.ZodType, io: 'input' | 'output') => z.toJSONSchema(s, { target: 'draft-7', io }) as { type: 'object'; [k: string]: unknown };

export interface McpServer {
  server: Server;
  /** Resolves when no request is being answered (a client may close stdin right after sending). */
  drained: () => Promise<void>;
}

export function createMcpServer(mem: Mem, o: McpOptions = {}): McpServer {
  const log = o.log ?? ((line: string) => void process.stderr.write(`mem mcp: ${line}\n`));
  const tools = toolsFor(o);
  const byName = new Map(tools.map((t) => [t.name, t]));
  const listed = tools.map((t) => ({
    name: t.name,
    title: t.title,
    description: t.description,
    inputSchema: schemaOf(t.input, 'input'),
    outputSchema: schemaOf(t.output, 'output'),
    annotations: { title: t.title, ...annotations(t.effect) },
  }));
  const server = new Server({ name: 'mem', title: 'mem', version: o.version ?? 'dev' }, { capabilities: { tools: {}, resources: {} }, instructions: INSTRUCTIONS });

  /** One line a client can show: the core's message, or an internal error logged in full here. */
  const errorLine = (err: unknown, what: string): string => {
    const known = knownError(err, mem.world.paths.store);
    if (known) return oneLine(known.message);
    log(`internal error in ${what}: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`);
    return oneLine(`internal error: ${err instanceof Error ? err.message : String(err)}`);
  };

  let busy = 0;
  let idle: (() => void)[] = [];
  const tracked =
    <A extends unknown[], R>(f: (...a: A) => R | Promise<R>) =>
    async (...a: A): Promise<R> => {
      busy++;
      try {
        return await f(...a);
      } finally {
        if (--busy === 0) [idle, idle = []][0]!.forEach((r) => r());
      }
    };
  const drained = () => (busy === 0 ? Promise.resolve() : new Promise<void>((r) => idle.push(r)));

  server.setRequestHandler(ListToolsRequestSchema, () => ({ tools: listed }));

  server.setRequestHandler(CallToolRequestSchema, tracked(async (req): Promise<CallToolResult> => {
    const { name, arguments: args } = req.params;
    const t = byName.get(name);
    if (!t) {
      const hint = destructiveMemoryTools.some((d) => d.name === name) ? ': it is offered only when the server runs as `mem mcp --allow-destructive`' : '';
      return toolError(`unknown tool '${name}'${hint}`);
    }
    const parsed = t.input.safeParse(args ?? {}, { reportInput: true });
    if (!parsed.success) return toolError(argumentError(parsed.error));
    try {
      mem.world.refresh(); // a restore may have swapped the store since the last call
      const out = await t.run(parsed.data, { mem, client: server.getClientVersion()?.name ?? null });
      const checked = t.output.safeParse(out);
      if (!checked.success) throw new Error(`the answer of ${name} does not match its output schema: ${argumentError(checked.error)}`);
      const data = jsonBytes(checked.data) > ANSWER_BYTES ? shrink(checked.data) : checked.data;
      return { content: [{ type: 'text', text: JSON.stringify(data) }], structuredContent: data };
    } catch (err) {
      return toolError(errorLine(err, name));
    }
  }));

  server.setRequestHandler(ListResourcesRequestSchema, () => {
    try {
      return { resources: listResources(mem) };
    } catch (err) {
      throw new McpError(ErrorCode.InternalError, errorLine(err, 'resources/list'));
    }
  });
  server.setRequestHandler(ListResourceTemplatesRequestSchema, () => ({ resourceTemplates: TEMPLATES }));
  server.setRequestHandler(ReadResourceRequestSchema, tracked((req: { params: { uri: string } }) => {
    const { uri } = req.params;
    let value: unknown;
    try {
      mem.world.refresh();
      value = readResource(mem, uri);
    } catch (err) {
      const known = knownError(err);
      // -32002: the code the MCP specification gives a resource that does not exist.
      if (known?.code === 'not_found') throw new McpError(-32002, `Resource not found: ${uri} (${oneLine(known.message)})`, { uri });
      if (known?.exitCode === 2) throw new McpError(ErrorCode.InvalidParams, oneLine(known.message));
      throw new McpError(ErrorCode.InternalError, errorLine(err, `resources/read ${uri}`));
    }
    if (value === null) throw new McpError(-32002, `Resource not found: ${uri} (mem's resources: mem://stats, ${TEMPLATES.map((t) => t.uriTemplate).join(', ')})`, { uri });
    return { contents: [{ uri, mimeType: 'application/json', text: JSON.stringify(value) }] };
  }));

  return { server, drained };
}

function toolError(message: string): CallToolResult {
  return { content: [{ type: 'text', text: message }], isError: true };
}

const oneLine = (s: string) => {
  const line = s.replace(/\s*\n\s*/g, ' ').trim();
  return line.length > 1000 ? `${line.slice(0, 999)}…` : line;
};
