// `mem mcp`: the MCP server over stdio, its own bundle (dist/mcp.cjs) that the CLI loads only for
// this command, so no other command pays for the SDK. stdout carries the protocol and nothing
// else: anything that would print there goes to stderr.
import { format } from 'node:util';
import { StdioServerTransport } from '@modelcontextprotocol/sdk/server/stdio.js';
import { openMem, type Mem } from '../core/mem.js';
import { knownError } from '../errors.js';
import { createMcpServer } from './server.js';

declare const MEM_VERSION: string;

export interface McpRun {
  /** The store (--db), else the default one. */
  db?: string;
  allowDestructive?: boolean;
}

/** Serves until the client closes stdin (or a signal); returns the exit code. Never throws. */
export async function runMcp(o: McpRun): Promise<number> {
  const toStderr = (...a: unknown[]) => void process.stderr.write(format(...a) + '\n');
  console.log = console.info = console.debug = console.warn = toStderr;
  let mem: Mem;
  try {
    mem = openMem({ db: o.db, batchReads: true });
  } catch (err) {
    const known = knownError(err);
    process.stderr.write(`mem: ${known ? known.message : `cannot start the MCP server: ${(err as Error).message}`}\n`);
    return known ? known.exitCode : 1;
  }
  const { server, drained } = createMcpServer(mem, { allowDestructive: o.allowDestructive, version: typeof MEM_VERSION === 'string' ? MEM_VERSION : 'dev' });
  const transport = new StdioServerTransport();
  const closed = new Promise<void>((resolve) => {
    server.onclose = resolve;
    process.stdin.once('end', resolve);
    process.stdin.once('close', resolve);
    for (const sig of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) process.once(sig, resolve);
  });
  await server.connect(transport);
  await closed;
  // Answer what was asked before stdin closed (a script may send its requests and close at once).
  await Promise.race([drained(), new Promise((r) => setTimeout(r, 10_000).unref())]);
  await new Promise((r) => setImmediate(r)); // the last answers are written once their handlers return
  await server.close().catch(() => {});
  mem.close();
  return 0;
}
