/**
 * `transformer`: a GPT-style decoder training (or inference) step, following the zoo's path conventions:
 * token embedding (gather) + learned positions, `layers` pre-LayerNorm blocks of causal multi-head
 * attention and a GELU MLP with residuals, a final LayerNorm, the unembedding (tied to the token
 * embedding or separate) and mean softmax cross-entropy against `batch/targets`.
 */
import { ProgramBuilder } from '../ir/builder';
import type { Program, ValueId } from '../ir/types';
import { dense, gelu, layerNorm, scale, softmax, softmaxCrossEntropy } from './layers';
import { computeDtype, type OptimizerKind, type Precision } from './optimizer';
import { declareLayers, finishStep, optimizerStateFor, paramInputs, stackLayers, type RematMode } from './stepParts';

/** The sizes of a decoder-only language model, shared by the zoo's decoders. */
export interface DecoderDims {
  readonly layers: number;
  readonly dModel: number;
  readonly heads: number;
  readonly dFF: number;
  readonly seq: number;
  readonly vocab: number;
  readonly batch: number;
}

export interface TransformerConfig extends DecoderDims {
  readonly tiedEmbeddings: boolean;
  readonly optimizer: OptimizerKind;
  readonly precision: Precision;
  readonly learningRate: number;
  /** `full`: each block's forward is recomputed in the backward pass, so only block inputs stay live. */
  readonly remat: RematMode;
  readonly mode: 'train' | 'infer';
  /** `standard` materialises the scores; `flash` is one fused `attention` op. */
  readonly attention: 'standard' | 'flash';
}

/** The attention weights of a block (`attn/...`); moe and decode blocks have the same. */
export interface AttentionParams {
  wq: ValueId; wk: ValueId; wv: ValueId; bq: ValueId; bk: ValueId; bv: ValueId; wo: ValueId; bo: ValueId;
}

/** A block's LayerNorms and attention: all of a transformer block but its MLP. */
export interface NormAttentionParams extends AttentionParams {
  ln1: { scale: ValueId; bias: ValueId };
  ln2: { scale: ValueId; bias: ValueId };
}

/** The GELU MLP's weights (`mlp/...`). */
export interface MlpParams {
  wIn: ValueId; bIn: ValueId; wOut: ValueId; bOut: ValueId;
}

type LayerParams = NormAttentionParams & MlpParams;

/**
 * Declares a block's `ln1/...`, `attn/...` and `ln2/...` params through `p` (which prefixes the layer),
 * in the zoo's order. `kvHeads` key/value heads (`heads` for multi-head attention, 1 for multi-query).
 */
export function declareNormAttention(
  p: (name: string, shape: number[]) => ValueId, d: number, h: number, dh: number, kvHeads = h,
): NormAttentionParams {
  return {
    ln1: { scale: p('ln1/scale', [d]), bias: p('ln1/bias', [d]) },
    wq: p('attn/wq', [d, h, dh]), wk: p('attn/wk', [d, kvHeads, dh]), wv: p('attn/wv', [d, kvHeads, dh]),
    bq: p('attn/bq', [h, dh]), bk: p('attn/bk', [kvHeads, dh]), bv: p('attn/bv', [kvHeads, dh]),
    wo: p('attn/wo', [h, dh, d]), bo: p('attn/bo', [d]),
    ln2: { scale: p('ln2/scale', [d]), bias: p('ln2/bias', [d]) },
  };
}

/** Parameter count: L·(4d² + 2·d·dFF + 9d + dFF) + (V + s)·d + 2d, plus d·V untied (12·L·d² + 13·L·d + … at dFF = 4d). */
export function transformerParamCount(c: Pick<TransformerConfig, 'layers' | 'dModel' | 'dFF' | 'seq' | 'vocab' | 'tiedEmbeddings'>): number {
  const d = c.dModel;
  const perLayer = 4 * d * d + 2 * d * c.dFF + 9 * d + c.dFF;
  return c.layers * perLayer + (c.vocab + c.seq) * d + 2 * d + (c.tiedEmbeddings ? 0 : d * c.vocab);
}

export function buildTransformer(c: TransformerConfig): Program {
  const b = new ProgramBuilder('transformer');
  const dt = computeDtype(c.precision);
  const d = c.dModel, h = c.heads, dh = c.dModel / c.heads;
  const { params, param } = paramInputs(b, dt);

  const embedTokens = param('embed/tokens', [c.vocab, d]);
  const embedPositions = param('embed/positions', [c.seq, d]);
  const layers = declareLayers(param, c.layers, (p): LayerParams => ({
    ...declareNormAttention(p, d, h, dh),
    wIn: p('mlp/w_in', [d, c.dFF]), bIn: p('mlp/b_in', [c.dFF]),
    wOut: p('mlp/w_out', [c.dFF, d]), bOut: p('mlp/b_out', [d]),
  }));
  const finalLn = { scale: param('final_ln/scale', [d]), bias: param('final_ln/bias', [d]) };
  const unembed = c.tiedEmbeddings ? undefined : param('unembed', [d, c.vocab]);

  const state = optimizerStateFor(b, params, c);
  const batch = embedBatch(b, c, embedTokens, embedPositions);
  const { x, remat } = stackLayers(b, batch.x, layers, c.remat, (v, lp, i) => block(b, c, i, v, lp, dh));

  const final = b.scoped('final_ln', () => layerNorm(b, x, finalLn.scale, finalLn.bias));
  const logits = unembedLogits(b, final, embedTokens, unembed);
  const loss = b.scoped('loss', () => softmaxCrossEntropy(b, b.convert(logits, 'f32'), batch.targets));

  finishStep(b, loss, params, state, { value: logits, name: 'logits' }, remat);
  return b.build();
}

/**
 * The `batch/tokens` and `batch/targets` inputs [batch, seq] and, under `embed`, the token embeddings
 * plus the learned positions [batch, seq, d].
 */
export function embedBatch(
  b: ProgramBuilder, c: { readonly batch: number; readonly seq: number }, embedTokens: ValueId, embedPositions: ValueId,
): { tokens: ValueId; targets: ValueId; x: ValueId } {
  const tokens = b.input('batch/tokens', { shape: [c.batch, c.seq], dtype: 'i32' });
  const targets = b.input('batch/targets', { shape: [c.batch, c.seq], dtype: 'i32' });
  const d = b.shape(embedTokens)[1];
  const x = b.scoped('embed', () => {
    const tok = b.emit1('gather', [embedTokens, tokens], { axis: 0 });
    return b.add(tok, b.broadcast(embedPositions, [c.batch, c.seq, d], [1, 2]));
  });
  return { tokens, targets, x };
}

/** `logits` under `unembed`: the final activations times the token embedding transposed (tied), or `unembed`. */
export function unembedLogits(b: ProgramBuilder, final: ValueId, embedTokens: ValueId, unembed?: ValueId): ValueId {
  return b.scoped('unembed', () => b.setName(
    unembed === undefined
      ? b.dot(final, embedTokens, { lhsBatch: [], rhsBatch: [], lhsContract: [2], rhsContract: [1] })
      : dense(b, final, unembed),
    'logits'));
}

/** The sub-layers of a pre-norm block, each called inside its scope. */
export interface BlockParts {
  norm1(x: ValueId): ValueId;
  attention(x: ValueId): ValueId;
  norm2(x: ValueId): ValueId;
  mlp(x: ValueId): ValueId;
  /** Scope (and name prefix) of the MLP part under `layer_{i}/`; default `mlp`. */
  readonly mlpScope?: string;
}

/**
 * A pre-norm residual block under the zoo's scopes and names: x + attn(norm1(x)), then
 * + mlp(norm2(·)), with `layer_{i}/ln1/out` and `layer_{i}/ln2/out` named. Every decoder of the zoo
 * (transformer, moe, decode, llama) is this skeleton with its own norms and sub-layers.
 */
export function preNormBlock(b: ProgramBuilder, i: number, x: ValueId, parts: BlockParts): ValueId {
  const s = `layer_${i}`;
  const ln1 = b.scoped(`${s}/ln1`, () => b.setName(parts.norm1(x), `${s}/ln1/out`));
  const attnOut = b.scoped(`${s}/attn`, () => parts.attention(ln1));
  const x1 = b.scoped(s, () => b.add(x, attnOut));
  const ln2 = b.scoped(`${s}/ln2`, () => b.setName(parts.norm2(x1), `${s}/ln2/out`));
  const mlpOut = b.scoped(`${s}/${parts.mlpScope ?? 'mlp'}`, () => parts.mlp(ln2));
  return b.scoped(s, () => b.add(x1, mlpOut));
}

/** One pre-LayerNorm decoder block: x + attn(ln1(x)), then + mlp(ln2(·)). */
function block(b: ProgramBuilder, c: TransformerConfig, i: number, x: ValueId, p: LayerParams, dh: number): ValueId {
  const s = `layer_${i}`;
  return preNormBlock(b, i, x, {
    norm1: (v) => layerNorm(b, v, p.ln1.scale, p.ln1.bias),
    attention: (v) => selfAttention(b, s, v, p, dh, c.attention),
    norm2: (v) => layerNorm(b, v, p.ln2.scale, p.ln2.bias),
    mlp: (v) => geluMlp(b, s, v, p),
  });
}

/**
 * Causal multi-head self-attention of x [b, s, d] with biases, naming `<s>/attn/q|k|v|out`:
 * `standard` materialises the scores, `flash` is one fused `attention` op.
 */
export function selfAttention(
  b: ProgramBuilder, s: string, x: ValueId, p: AttentionParams, dh: number, kind: 'standard' | 'flash',
): ValueId {
  // [b, s, d] × [d, h, dh] → [b, s, h, dh]
  const project = (w: ValueId, bias: ValueId, name: string) => b.setName(dense(b, x, w, bias), `${s}/attn/${name}`);
  const q = project(p.wq, p.bq, 'q');
  const k = project(p.wk, p.bk, 'k');
  const v = project(p.wv, p.bv, 'v');
  const o = kind === 'flash'
    ? b.emit1('attention', [q, k, v], { causal: true, scale: 1 / Math.sqrt(dh) })
    : standardAttention(b, q, k, v, dh);
  return attentionOutput(b, s, o, p);
}

/** The output projection [b, s, h, dh] × wo [h, dh, d] + bo → `<s>/attn/out` [b, s, d]. */
export function attentionOutput(b: ProgramBuilder, s: string, o: ValueId, p: Pick<AttentionParams, 'wo' | 'bo'>): ValueId {
  const out = b.dot(o, p.wo, { lhsBatch: [], rhsBatch: [], lhsContract: [2, 3], rhsContract: [0, 1] });
  return b.setName(b.add(out, b.broadcastTo(p.bo, b.shape(out))), `${s}/attn/out`);
}

/** dense → GELU → dense, naming `<s>/mlp/hidden` and `<s>/mlp/out`. */
export function geluMlp(b: ProgramBuilder, s: string, x: ValueId, p: MlpParams): ValueId {
  const hidden = b.setName(gelu(b, dense(b, x, p.wIn, p.bIn)), `${s}/mlp/hidden`);
  return b.setName(dense(b, hidden, p.wOut, p.bOut), `${s}/mlp/out`);
}

/** softmax(q·kᵀ/√dh + causal mask)·v with the [b, h, s, t] scores materialised. */
function standardAttention(b: ProgramBuilder, q: ValueId, k: ValueId, v: ValueId, dh: number): ValueId {
  const [bs, s, h] = b.shape(q);
  const t = b.shape(k)[1];
  const scores = scale(b, b.dot(q, k, { lhsBatch: [0, 2], rhsBatch: [0, 2], lhsContract: [3], rhsContract: [3] }), 1 / Math.sqrt(dh));
  // Query position i attends to key positions j ≤ i.
  const allowed = b.compare(b.iota([s, t], 0), b.iota([s, t], 1), 'GE');
  const masked = b.select(b.broadcast(allowed, [bs, h, s, t], [2, 3]), scores, b.full(scores, -1e9));
  const probs = softmax(b, masked);
  // [b, h, s, t] × [b, t, h, dh] → [b, h, s, dh] → [b, s, h, dh]
  const o = b.dot(probs, v, { lhsBatch: [0, 1], rhsBatch: [0, 2], lhsContract: [3], rhsContract: [1] });
  return b.transpose(o, [0, 2, 1, 3]);
}
