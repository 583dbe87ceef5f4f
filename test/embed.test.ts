// Embedding providers end to end, offline: the real transformers.js + onnxruntime path against a
// generated MiniLM stand-in (test/support/onnx-model.ts), the download path against a local
// mirror, and the openai provider against a local HTTP server.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../src/config/config.js';
import { MemError } from '../src/errors.js';
import { EmbeddingUnavailable, loadEmbedder, locateModel, type Embedder, type EmbedProgress } from '../src/memory/embed/index.js';
import { defaultModelFor } from '../src/memory/embed/types.js';
import { TEST_MODEL_NAME, writeTestModel } from './support/onnx-model.js';

let root: string;
let modelDir: string;

beforeAll(() => {
  root = mkdtempSync(join(tmpdir(), 'mem-embed-'));
  modelDir = writeTestModel(join(root, 'models'));
});
afterAll(() => rmSync(root, { recursive: true, force: true }));

/** An environment isolated from the developer's own config and cache. */
function envWith(vars: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  const home = join(root, 'home');
  return { HOME: home, XDG_CONFIG_HOME: join(home, 'config'), XDG_CACHE_HOME: join(home, 'cache'), ...vars };
}

async function embedder(vars: NodeJS.ProcessEnv): Promise<Embedder> {
  const env = envWith(vars);
  const e = await loadEmbedder(loadConfig(env), env);
  if (!e) throw new Error('expected an embedder');
  return e;
}

function dot(a: Float32Array, b: Float32Array): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i]! * b[i]!;
  return s;
}

async function rejection(p: Promise<unknown>): Promise<Error> {
  try {
    await p;
  } catch (err) {
    return err as Error;
  }
  throw new Error('expected a rejection');
}

function listen(handler: (req: IncomingMessage, body: string, res: ServerResponse) => void): Promise<{ server: Server; url: string }> {
  const server = createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString()));
    req.on('end', () => handler(req, body, res));
  });
  return new Promise((done) =>
    server.listen(0, '127.0.0.1', () => done({ server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}` })),
  );
}

const TEXTS = [
  'pip install fails with SSL certificate verify failed behind the corporate proxy',
  'pip install fails with SSL certificate error behind a proxy',
  'git push rejected because the remote contains work that you do not have locally',
  'docker build runs out of disk space while pulling the base image',
];

describe('local provider (generated MiniLM stand-in)', () => {
  it('embeds to 384-d unit vectors, deterministically, batch equal to one by one', async () => {
    const e = await embedder({ MEM_MODEL_DIR: modelDir, MEM_OFFLINE: '1' });
    expect(e.provider).toBe('local');
    expect(e.model).toBe('Xenova/all-MiniLM-L6-v2');
    expect(e.dim).toBe(384);

    const batch = await e.embed(TEXTS);
    expect(batch).toHaveLength(TEXTS.length);
    for (const v of batch) {
      expect(v).toBeInstanceOf(Float32Array);
      expect(v.length).toBe(384);
      expect(dot(v, v)).toBeCloseTo(1, 5);
    }

    // Texts of different lengths are padded in a batch; pooling must ignore the padding.
    for (const [i, text] of TEXTS.entries()) {
      const [single] = await e.embed([text]);
      expect(dot(single!, batch[i]!)).toBeCloseTo(1, 5);
      for (let k = 0; k < 384; k++) expect(single![k]).toBeCloseTo(batch[i]![k]!, 5);
    }

    // Deterministic across calls and across loads.
    const again = await (await embedder({ MEM_MODEL_DIR: modelDir, MEM_OFFLINE: '1' })).embed(TEXTS);
    expect(again.map((v) => Array.from(v))).toEqual(batch.map((v) => Array.from(v)));
    expect(await e.embed([])).toEqual([]);
  });

  it('gives cosine 1 for identical texts and ranks shared words above unrelated text', async () => {
    const e = await embedder({ MEM_MODEL_DIR: modelDir, MEM_OFFLINE: '1' });
    const [a, a2, similar, unrelated, other] = await e.embed([TEXTS[0]!, TEXTS[0]!, TEXTS[1]!, TEXTS[2]!, TEXTS[3]!]);
    expect(dot(a!, a2!)).toBeCloseTo(1, 6);
    expect(dot(a!, similar!)).toBeGreaterThan(dot(a!, unrelated!) + 0.2);
    expect(dot(a!, similar!)).toBeGreaterThan(dot(a!, other!) + 0.2);
  });

  it("pools exactly as transformers.js' own { pooling: 'mean', normalize: true }", async () => {
    const e = await embedder({ MEM_MODEL_DIR: modelDir, MEM_OFFLINE: '1' });
    const { env: tf, pipeline } = await import('@xenova/transformers');
    Object.assign(tf, { localModelPath: modelDir, allowLocalModels: true, allowRemoteModels: false, useFSCache: false });
    const pipe = await pipeline('feature-extraction', TEST_MODEL_NAME, { quantized: true });
    const theirs = (await pipe(TEXTS, { pooling: 'mean', normalize: true })) as unknown as { dims: number[]; data: Float32Array };
    expect(theirs.dims).toEqual([TEXTS.length, 384]);
    const ours = await e.embed(TEXTS);
    for (const [i, v] of ours.entries()) for (let k = 0; k < 384; k++) expect(v[k]).toBeCloseTo(theirs.data[i * 384 + k]!, 6);
  });

  it('loads an fp32-only model directory (onnx/model.onnx)', async () => {
    const dir = writeTestModel(join(root, 'fp32'), { variants: ['fp32'] });
    expect(locateModel(TEST_MODEL_NAME, envWith({ MEM_MODEL_DIR: dir }))).toMatchObject({ source: 'dir', quantized: false });
    const fp32 = await embedder({ MEM_MODEL_DIR: dir, MEM_OFFLINE: '1' });
    const quant = await embedder({ MEM_MODEL_DIR: modelDir, MEM_OFFLINE: '1' });
    const [x] = await fp32.embed([TEXTS[0]!]);
    const [y] = await quant.embed([TEXTS[0]!]);
    // The stand-in's fp32 weights are its dequantized uint8 weights: same vectors.
    expect(dot(x!, y!)).toBeCloseTo(1, 5);
  });

  it('finds a model in the cache ($XDG_CACHE_HOME/mem/models) without MEM_MODEL_DIR', async () => {
    const cacheHome = join(root, 'cache-home');
    writeTestModel(join(cacheHome, 'mem', 'models'));
    const env = envWith({ XDG_CACHE_HOME: cacheHome, MEM_OFFLINE: '1' });
    expect(locateModel(TEST_MODEL_NAME, env)).toMatchObject({ source: 'cache', root: join(cacheHome, 'mem', 'models'), quantized: true });
    const e = await loadEmbedder(loadConfig(env), env);
    expect(e!.dim).toBe(384);
  });

  it('is unavailable, in one line, when the model is missing and downloads are off', async () => {
    const empty = join(root, 'empty');
    mkdirSync(empty, { recursive: true });
    const err = await rejection(embedder({ MEM_MODEL_DIR: empty, MEM_OFFLINE: '1' }));
    expect(err).toBeInstanceOf(EmbeddingUnavailable);
    expect(err).toBeInstanceOf(MemError);
    expect((err as MemError).exitCode).toBe(1);
    expect(err.message).not.toContain('\n');
    expect(err.message).toContain('Xenova/all-MiniLM-L6-v2');
    expect(err.message).toContain(empty);
    expect(err.message).toContain('MEM_OFFLINE=1');
    expect(err.message).toContain('keyword search still works');
  });

  it('turns a corrupt model file into EmbeddingUnavailable, not a stack trace', async () => {
    const dir = writeTestModel(join(root, 'corrupt'));
    cpSync(join(dir, TEST_MODEL_NAME, 'vocab.txt'), join(dir, TEST_MODEL_NAME, 'onnx', 'model_quantized.onnx'));
    const err = await rejection(embedder({ MEM_MODEL_DIR: dir, MEM_OFFLINE: '1', MEM_EMBEDDING_MODEL: TEST_MODEL_NAME }));
    expect(err).toBeInstanceOf(EmbeddingUnavailable);
    expect(err.message).not.toContain('\n');
    expect(err.message).toMatch(/cannot be loaded: .*protobuf parsing failed/);
  });

  it('downloads once into the cache with progress, then loads offline from it', async () => {
    // A local stand-in for the Hub (HF_ENDPOINT), serving the generated model's files.
    const served: string[] = [];
    const { server, url } = await listen((req, _body, res) => {
      const m = /^\/(.+)\/resolve\/main\/(.+)$/.exec(req.url ?? '');
      const file = m ? join(modelDir, m[1]!, m[2]!) : '';
      try {
        const data = readFileSync(file);
        served.push(m![2]!);
        res.writeHead(200, { 'content-length': String(data.length) }).end(data);
      } catch {
        res.writeHead(404).end('not found');
      }
    });
    try {
      const cacheHome = join(root, 'download-cache');
      const env = envWith({ XDG_CACHE_HOME: cacheHome, HF_ENDPOINT: url });
      expect(locateModel(TEST_MODEL_NAME, env).source).toBe('download');
      const progress: EmbedProgress[] = [];
      const e = await loadEmbedder(loadConfig(env), env, { onProgress: (p) => progress.push(p) });
      expect(e!.dim).toBe(384);
      expect(served.sort()).toEqual(['config.json', 'onnx/model_quantized.onnx', 'tokenizer.json', 'tokenizer_config.json']);
      const onnxFile = join(cacheHome, 'mem', 'models', TEST_MODEL_NAME, 'onnx', 'model_quantized.onnx');
      expect(statSync(onnxFile).size).toBeGreaterThan(0);
      const last = progress.filter((p) => p.file === 'onnx/model_quantized.onnx').at(-1);
      expect(last).toEqual({ file: 'onnx/model_quantized.onnx', loaded: statSync(onnxFile).size, total: statSync(onnxFile).size });

      const offline = { ...env, MEM_OFFLINE: '1' };
      expect(locateModel(TEST_MODEL_NAME, offline).source).toBe('cache');
      const [v] = await (await loadEmbedder(loadConfig(offline), offline))!.embed(['hello']);
      expect(v!.length).toBe(384);
    } finally {
      server.close();
    }
  });

  it('reports a failed download as EmbeddingUnavailable', async () => {
    const { server, url } = await listen((_req, _body, res) => res.writeHead(503).end('down'));
    try {
      const err = await rejection(embedder({ XDG_CACHE_HOME: join(root, 'failed-cache'), HF_ENDPOINT: url }));
      expect(err).toBeInstanceOf(EmbeddingUnavailable);
      expect(err.message).toMatch(/could not download Xenova\/all-MiniLM-L6-v2/);
      expect(err.message).not.toContain('\n');
    } finally {
      server.close();
    }
  });
});

describe('provider selection', () => {
  it('gives null for provider none', async () => {
    const env = envWith({ MEM_EMBEDDING_PROVIDER: 'none' });
    expect(await loadEmbedder(loadConfig(env), env)).toBeNull();
  });

  it('has a default model per provider', () => {
    expect(defaultModelFor('local')).toBe('Xenova/all-MiniLM-L6-v2');
    expect(defaultModelFor('openai')).toBe('text-embedding-3-small');
  });
});

describe('openai provider', () => {
  it('posts batches to $OPENAI_BASE_URL/embeddings and normalises the vectors', async () => {
    const requests: { auth?: string; path?: string; body: { model: string; input: string[] } }[] = [];
    const { server, url } = await listen((req, body, res) => {
      const parsed = JSON.parse(body) as { model: string; input: string[] };
      requests.push({ auth: req.headers.authorization, path: req.url, body: parsed });
      // Unnormalised vectors, returned out of order: the client must sort by index and normalise.
      const data = parsed.input.map((text, index) => ({
        object: 'embedding',
        index,
        embedding: Array.from({ length: 1536 }, (_, k) => ((text.length + k) % 7) + 1),
      }));
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ object: 'list', data: data.reverse(), model: parsed.model }));
    });
    try {
      const e = await embedder({ MEM_EMBEDDING_PROVIDER: 'openai', OPENAI_API_KEY: 'sk-test', OPENAI_BASE_URL: `${url}/v1` });
      expect(e).toMatchObject({ provider: 'openai', model: 'text-embedding-3-small', dim: 1536 });
      const vs = await e.embed(['a', 'bbb']);
      expect(requests).toHaveLength(1);
      expect(requests[0]).toMatchObject({ auth: 'Bearer sk-test', path: '/v1/embeddings', body: { model: 'text-embedding-3-small', input: ['a', 'bbb'] } });
      expect(vs.map((v) => v.length)).toEqual([1536, 1536]);
      for (const v of vs) expect(dot(v, v)).toBeCloseTo(1, 5);
      expect(vs[0]![0]).toBeCloseTo(2 / Math.sqrt(Array.from({ length: 1536 }, (_, k) => (((1 + k) % 7) + 1) ** 2).reduce((s, x) => s + x, 0)), 6);
    } finally {
      server.close();
    }
  });

  it('turns an HTTP error into one line naming the status', async () => {
    const { server, url } = await listen((req, _body, res) => {
      const [status, message] = req.headers.authorization === 'Bearer sk-bad' ? [401, 'Incorrect API key provided'] : [400, 'input too long'];
      res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify({ error: { message } }));
    });
    try {
      // Auth (and 429/5xx) is not the texts' fault: EmbeddingUnavailable, so the worker leaves them pending.
      const bad = await embedder({ MEM_EMBEDDING_PROVIDER: 'openai', OPENAI_API_KEY: 'sk-bad', OPENAI_BASE_URL: url });
      const unauthorised = await rejection(bad.embed(['x']));
      expect(unauthorised).toBeInstanceOf(EmbeddingUnavailable);
      expect(unauthorised.message).toBe(`openai embeddings: HTTP 401 from ${url}/embeddings: Incorrect API key provided`);
      // A 400 is about these texts: a plain MemError, so the worker fails them with backoff.
      const ok = await embedder({ MEM_EMBEDDING_PROVIDER: 'openai', OPENAI_API_KEY: 'sk-ok', OPENAI_BASE_URL: url });
      const rejected = await rejection(ok.embed(['x'.repeat(100)]));
      expect(rejected).toBeInstanceOf(MemError);
      expect(rejected).not.toBeInstanceOf(EmbeddingUnavailable);
      expect(rejected.message).toBe(`openai embeddings: HTTP 400 from ${url}/embeddings: input too long`);
    } finally {
      server.close();
    }
  });

  it('needs OPENAI_API_KEY, and says so', async () => {
    const err = await rejection(embedder({ MEM_EMBEDDING_PROVIDER: 'openai' }));
    expect(err).toBeInstanceOf(EmbeddingUnavailable);
    expect(err.message).toContain('OPENAI_API_KEY is not set');
    expect(err.message).not.toContain('\n');
  });
});
