// AI agents: the MCP server (and, later, agents' hooks).
import { act } from '../act.js';
import type { Program } from '../program.js';
import type { OptsOf } from './types.js';

const mcp = (p: Program) =>
  p
    .command('mcp')
    .description('serve mem to AI agents over the Model Context Protocol (stdio): claude mcp add --scope user mem -- mem mcp')
    .option('--allow-destructive', 'also offer memory_delete');
export type McpOpts = OptsOf<typeof mcp>;

export function registerAgents(program: Program): void {
  mcp(program).action(act(() => import('../../commands/mcp.js')));
}
