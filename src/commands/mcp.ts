// `mem mcp`: starts the MCP server, which is its own bundle (dist/mcp.cjs, next to this one): the
// SDK and the schemas load only for this command. The server opens the store itself.
import { createRequire } from 'node:module';
import type { Cli, GlobalFlags } from '../cli/act.js';
import type { McpOpts } from '../cli/register/agents.js';
import { MemError } from '../errors.js';

/** What dist/mcp.cjs exports (src/mcp/main.ts). */
interface McpBundle {
  runMcp(o: { db?: string; allowDestructive?: boolean }): Promise<number>;
}

export async function run(_cli: Cli, opts: McpOpts & GlobalFlags): Promise<void> {
  let bundle: McpBundle;
  try {
    bundle = createRequire(import.meta.url)('./mcp.cjs') as McpBundle;
  } catch (err) {
    throw new MemError(`the MCP server is not built (dist/mcp.cjs): run npm run build (${(err as Error).message.split('\n')[0]})`);
  }
  process.exitCode = await bundle.runMcp({ db: opts.db, allowDestructive: Boolean(opts.allowDestructive) });
}
