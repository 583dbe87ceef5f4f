// Test support for the MCP server: a real client (the SDK's Client over stdio) spawning the built
// `bin/mem mcp`, whose calls check every answer against the tool's published output schema.
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { AjvJsonSchemaValidator } from '@modelcontextprotocol/sdk/validation/ajv';
import { expect } from 'vitest';
import { BIN, sandbox, type Sandbox } from '../helpers.js';

/** Each copy of an answer (structured, and the same JSON as text) stays within this many bytes. */
export const ANSWER_BYTES = 32_000;
const bytes = (v: unknown) => Buffer.byteLength(JSON.stringify(v), 'utf8');

export interface Conn {
  client: Client;
  stderr: () => string;
  close: () => Promise<void>;
  /** The call's result as it came, tool errors included. */
  call: (name: string, args?: Record<string, unknown>) => ReturnType<Client['callTool']>;
  /** A successful call's structured content, checked against the tool's output schema. */
  ok: (name: string, args?: Record<string, unknown>) => Promise<any>;
  /** A call that must fail: the tool error's one line. */
  fail: (name: string, args?: Record<string, unknown>) => Promise<string>;
}

const validator = new AjvJsonSchemaValidator();

export async function connect(box: Sandbox, opts: { args?: string[]; name?: string; env?: Record<string, string> } = {}): Promise<Conn> {
  const transport = new StdioClientTransport({
    command: process.execPath,
    args: [BIN, 'mcp', ...(opts.args ?? [])],
    env: { ...(box.env as Record<string, string>), ...opts.env },
    cwd: box.dir,
    stderr: 'pipe',
  });
  let stderr = '';
  transport.stderr?.on('data', (d: Buffer) => (stderr += d.toString()));
  const client = new Client({ name: opts.name ?? 'mem-test-client', version: '1.0.0' });
  await client.connect(transport);
  const { tools } = await client.listTools(); // the client now checks every answer against its output schema
  const schemas = new Map(tools.map((t) => [t.name, t.outputSchema]));
  const call = (name: string, args: Record<string, unknown> = {}) => client.callTool({ name, arguments: args });
  return {
    client,
    stderr: () => stderr,
    close: () => client.close(),
    call,
    async ok(name, args = {}) {
      const r = await call(name, args);
      const content = r.content as { type: string; text: string }[];
      if (r.isError) throw new Error(`${name} failed: ${content[0]?.text}`);
      const data = r.structuredContent;
      const check = validator.getValidator(schemas.get(name)!)(data);
      expect(check.valid, `${name}: ${check.errorMessage}`).toBe(true);
      expect(JSON.parse(content[0]!.text)).toEqual(data);
      expect(bytes(data), name).toBeLessThanOrEqual(ANSWER_BYTES);
      return data;
    },
    async fail(name, args = {}) {
      const r = await call(name, args);
      const content = r.content as { type: string; text: string }[];
      expect(r.isError, `${name} ${JSON.stringify(args)} should fail`).toBe(true);
      expect(content).toHaveLength(1);
      expect(content[0]!.text).not.toContain('\n');
      return content[0]!.text;
    },
  };
}

/** The sandbox's environment: no embedding model, no background worker, one scope. */
export function testBox(): Sandbox {
  const box = sandbox();
  mkdirSync(join(box.dir, 'no-model'));
  Object.assign(box.env, { MEM_OFFLINE: '1', MEM_NO_WORKER: '1', MEM_MODEL_DIR: join(box.dir, 'no-model'), MEM_SCOPE: 'proj', NO_COLOR: '1' });
  return box;
}

