// Every failure as HTTP: the status and a JSON body naming the field at fault, from the same
// typed errors the CLI turns into exit codes (`{"error": {"code", "message", "field"}}`).
import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { InputError, knownError } from '../errors.js';

export interface HttpError {
  status: number;
  code: string;
  message: string;
  field?: string;
  headers?: Record<string, string>;
}

/** Status codes for the core's error codes; a MemError not listed is a request the data refuses (422). */
const STATUS: Record<string, number> = {
  usage: 400,
  bad_input: 400,
  not_a_store: 400,
  not_found: 404,
  no_store: 404,
  conflict: 409,
  store_busy: 503,
  busy: 503,
  embedding_unavailable: 503,
  disk_full: 507,
  store_unwritable: 503,
  store_corrupt: 503,
  permission_denied: 503,
  read_only: 503,
};

interface AjvError {
  instancePath: string;
  keyword: string;
  message?: string;
  params: Record<string, unknown>;
}

/** `/memories/3/content` → `memories[3].content`; a missing property is named itself. */
function fieldOf(e: AjvError): string {
  let path = e.instancePath
    .split('/')
    .filter(Boolean)
    .map((p) => (/^\d+$/.test(p) ? `[${p}]` : `.${p}`))
    .join('')
    .replace(/^\./, '');
  if (e.keyword === 'required' && typeof e.params.missingProperty === 'string') path = path ? `${path}.${e.params.missingProperty}` : e.params.missingProperty;
  if (e.keyword === 'additionalProperties' && typeof e.params.additionalProperty === 'string') path = path ? `${path}.${e.params.additionalProperty}` : e.params.additionalProperty;
  return path || '(root)';
}

function validationMessage(e: AjvError): string {
  if (e.keyword === 'required') return 'is required';
  if (e.keyword === 'additionalProperties') return 'is not a known field';
  if (e.keyword === 'enum' && Array.isArray(e.params.allowedValues)) return `must be one of ${(e.params.allowedValues as unknown[]).join(', ')}`;
  return e.message ?? 'is invalid';
}

export function toHttpError(err: unknown): HttpError | null {
  const fe = err as FastifyError & { validation?: AjvError[]; validationContext?: string };
  if (Array.isArray(fe?.validation) && fe.validation.length) {
    const first = fe.validation[0]!;
    const field = fieldOf(first);
    const where = fe.validationContext === 'querystring' ? 'parameter' : fe.validationContext === 'params' ? 'path parameter' : 'field';
    return { status: 400, code: 'bad_input', field, message: `${where} '${field}': ${validationMessage(first)}` };
  }
  if (typeof fe?.code === 'string' && fe.code.startsWith('FST_')) {
    if (fe.code === 'FST_ERR_CTP_BODY_TOO_LARGE') return { status: 413, code: 'payload_too_large', message: 'request body over 1 MB; send less at once (bulk takes up to 100 memories)' };
    if (fe.code === 'FST_ERR_CTP_INVALID_MEDIA_TYPE') return { status: 415, code: 'unsupported_media_type', message: 'send the body as application/json' };
    if (fe.code === 'FST_ERR_CTP_EMPTY_JSON_BODY') return { status: 400, code: 'bad_input', message: 'the body is empty; send a JSON object' };
    if (fe.statusCode && fe.statusCode < 500) return { status: fe.statusCode, code: fe.statusCode === 400 ? 'bad_json' : 'bad_request', message: fe.message };
  }
  if (err instanceof SyntaxError && (err as { statusCode?: number }).statusCode === 400) return { status: 400, code: 'bad_json', message: `malformed JSON: ${err.message}` };
  const known = knownError(err);
  if (!known) return null;
  const status = STATUS[known.code] ?? (known.exitCode === 2 ? 400 : 422);
  // A single object is no "line 1": the field is what matters here.
  const message = known instanceof InputError ? known.message.replace(/^line \d+, /, '') : known.message;
  return { status, code: known.code, message, ...(known.field ? { field: known.field } : {}), ...(status === 503 ? { headers: { 'retry-after': '1' } } : {}) };
}

export function sendError(reply: FastifyReply, e: HttpError): FastifyReply {
  if (e.headers) void reply.headers(e.headers);
  return reply.code(e.status).send({ error: { code: e.code, message: e.message, ...(e.field ? { field: e.field } : {}) } });
}

/** Fastify's error handler: known errors as above; anything else is a bug, logged, and a 500 without details. */
export function errorHandler(err: unknown, req: FastifyRequest, reply: FastifyReply): FastifyReply {
  const e = toHttpError(err);
  if (e) return sendError(reply, e);
  process.stderr.write(`mem serve: internal error on ${req.method} ${req.url}: ${(err as Error)?.stack ?? String(err)}\n`);
  return sendError(reply, { status: 500, code: 'internal', message: 'internal error (the server log has the details)' });
}
