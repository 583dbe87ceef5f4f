// A stand-in for all-MiniLM-L6-v2 that tests generate, because the real weights cannot be downloaded
// here. It has MiniLM's interface (input_ids, attention_mask, token_type_ids -> last_hidden_state
// [batch, sequence, 384]) next to the real tokenizer, so transformers.js loads, tokenises, pads,
// runs, pools and normalises exactly as for the real model. Its vectors are meaningless but
// deterministic, and texts sharing tokens get similar vectors after mean pooling.
import { copyFileSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import onnxProto from 'onnx-proto';
import type * as proto from 'onnx-proto';
import { prng } from './prng.js';

// onnx-proto is CommonJS: at runtime its namespace arrives as the default export.
const { onnx } = onnxProto;

/** The real MiniLM tokenizer and config (data only; the weights are not available offline). */
export const TOKENIZER_SOURCE = process.env.MEM_TEST_TOKENIZER_DIR || '/work/shared/models/all-MiniLM-L6-v2-tokenizer-only';
export const TEST_MODEL_NAME = 'Xenova/all-MiniLM-L6-v2';
export const TEST_MODEL_DIM = 384;
/** Token ids are folded into this many table rows (Mod), keeping the file small. */
export const TEST_MODEL_BUCKETS = 4096;

const MODEL_FILES = ['config.json', 'tokenizer.json', 'tokenizer_config.json', 'special_tokens_map.json', 'vocab.txt'];

const T = onnx.TensorProto.DataType;
const A = onnx.AttributeProto.AttributeType;


function tensor(name: string, dataType: number, dims: number[], data: ArrayBufferView): proto.onnx.ITensorProto {
  return { name, dataType, dims, rawData: new Uint8Array(data.buffer, data.byteOffset, data.byteLength) };
}

function input(name: string, elemType: number, dims: (string | number)[]): proto.onnx.IValueInfoProto {
  const dim = dims.map((d) => (typeof d === 'string' ? { dimParam: d } : { dimValue: d }));
  return { name, type: { tensorType: { elemType, shape: { dim } } } };
}

function node(opType: string, inputs: string[], outputs: string[], attribute: proto.onnx.IAttributeProto[] = []): proto.onnx.INodeProto {
  return { opType, name: outputs[0], input: inputs, output: outputs, attribute };
}

/**
 * The word table is stored as uint8 codes with one scale and zero point; the quantized file
 * dequantizes after the Gather (as int8 weights do in the real quantized export), the fp32 file
 * stores the dequantized floats, so both variants produce identical vectors.
 */
function weights(): { codes: Uint8Array; scale: number; zero: number; types: Float32Array } {
  const rnd = prng(384_2024);
  const codes = new Uint8Array(TEST_MODEL_BUCKETS * TEST_MODEL_DIM);
  for (let i = 0; i < codes.length; i++) codes[i] = Math.floor(rnd() * 256);
  // Token-type vectors are small: every token of a text gets the same one, and a large shared
  // component would make unrelated texts look alike after pooling.
  const types = new Float32Array(2 * TEST_MODEL_DIM);
  for (let i = 0; i < types.length; i++) types[i] = (rnd() - 0.5) * 0.05;
  return { codes, scale: 2 / 255, zero: 128, types };
}

/** Builds the ONNX model bytes; `quantized` selects the uint8 + DequantizeLinear variant. */
export function buildTestModel(quantized: boolean): Uint8Array {
  const w = weights();
  const initializer: proto.onnx.ITensorProto[] = [
    tensor('vocab_buckets', T.INT64, [], new BigInt64Array([BigInt(TEST_MODEL_BUCKETS)])),
    tensor('type_table', T.FLOAT, [2, TEST_MODEL_DIM], w.types),
    tensor('unsqueeze_axes', T.INT64, [1], new BigInt64Array([-1n])),
  ];
  const nodes: proto.onnx.INodeProto[] = [node('Mod', ['input_ids', 'vocab_buckets'], ['bucket_ids'])];
  if (quantized) {
    initializer.push(
      tensor('word_table_q', T.UINT8, [TEST_MODEL_BUCKETS, TEST_MODEL_DIM], w.codes),
      tensor('word_scale', T.FLOAT, [], new Float32Array([w.scale])),
      tensor('word_zero', T.UINT8, [], new Uint8Array([w.zero])),
    );
    nodes.push(
      node('Gather', ['word_table_q', 'bucket_ids'], ['word_q'], [{ name: 'axis', type: A.INT, i: 0 }]),
      node('DequantizeLinear', ['word_q', 'word_scale', 'word_zero'], ['word_emb']),
    );
  } else {
    const table = Float32Array.from(w.codes, (c) => (c - w.zero) * Math.fround(w.scale));
    initializer.push(tensor('word_table', T.FLOAT, [TEST_MODEL_BUCKETS, TEST_MODEL_DIM], table));
    nodes.push(node('Gather', ['word_table', 'bucket_ids'], ['word_emb'], [{ name: 'axis', type: A.INT, i: 0 }]));
  }
  nodes.push(
    node('Gather', ['type_table', 'token_type_ids'], ['type_emb'], [{ name: 'axis', type: A.INT, i: 0 }]),
    node('Add', ['word_emb', 'type_emb'], ['token_emb']),
    // Padding positions are zeroed, as a real encoder's output is masked out by mean pooling anyway;
    // it also makes attention_mask a consumed input, which the real model has.
    node('Cast', ['attention_mask'], ['mask_f'], [{ name: 'to', type: A.INT, i: T.FLOAT }]),
    node('Unsqueeze', ['mask_f', 'unsqueeze_axes'], ['mask_3d']),
    node('Mul', ['token_emb', 'mask_3d'], ['last_hidden_state']),
  );
  const model: proto.onnx.IModelProto = {
    irVersion: 8,
    opsetImport: [{ domain: '', version: 13 }],
    producerName: 'mem-test-support',
    graph: {
      name: 'minilm_stand_in',
      node: nodes,
      initializer,
      input: ['input_ids', 'attention_mask', 'token_type_ids'].map((n) => input(n, T.INT64, ['batch', 'sequence'])),
      output: [input('last_hidden_state', T.FLOAT, ['batch', 'sequence', TEST_MODEL_DIM])],
    },
  };
  return onnx.ModelProto.encode(onnx.ModelProto.create(model)).finish();
}

export interface TestModelOptions {
  /** Which ONNX files to write (default: the quantized one, which transformers.js loads first). */
  variants?: ('quantized' | 'fp32')[];
}

/**
 * Writes `<dir>/Xenova/all-MiniLM-L6-v2/` with the real tokenizer and config (copied from
 * /work/shared at test time, never into the repo) and the generated ONNX file(s). Returns `dir`,
 * the value for MEM_MODEL_DIR.
 */
export function writeTestModel(dir: string, opts: TestModelOptions = {}): string {
  const modelDir = join(dir, TEST_MODEL_NAME);
  mkdirSync(join(modelDir, 'onnx'), { recursive: true });
  for (const f of MODEL_FILES) copyFileSync(join(TOKENIZER_SOURCE, f), join(modelDir, f));
  for (const v of opts.variants ?? ['quantized']) {
    const file = v === 'quantized' ? 'model_quantized.onnx' : 'model.onnx';
    writeFileSync(join(modelDir, 'onnx', file), buildTestModel(v === 'quantized'));
  }
  return dir;
}
