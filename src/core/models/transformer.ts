/**
 * `transformer`: a GPT-style decoder training (or inference) step, following the zoo's path conventions:
 * token embedding (gather) + learned positions, `layers` pre-LayerNorm blocks of causal multi-head
 * attention and a GELU MLP with residuals, a final LayerNorm, the unembedding (tied to the token
 * embedding or separate) and mean softmax cross-entropy against `batch/targets`.
 */
import { ProgramBuilder } from '../ir/builder';
import type { Program, ValueId } from '../ir/types';
import type { RematSegment } from './autodiff';
import { dense, gelu, layerNorm, scale, softmax, softmaxCrossEntropy } from './layers';
import { computeDtype, declareOptimizerState, type OptimizerKind, type Precision } from './optimizer';
import { finishTrainingStep } from './step';

export interface TransformerConfig {
  readonly layers: number;
  readonly dModel: number;
  readonly heads: number;
  readonly dFF: number;
  readonly seq: number;
  readonly vocab: number;
  readonly batch: number;
  readonly tiedEmbeddings: boolean;
  readonly optimizer: OptimizerKind;
  readonly precision: Precision;
  readonly learningRate: number;
  /** `full`: each block's forward is recomputed in the backward pass, so only block inputs stay live. */
  readonly remat: 'none' | 'full';
  readonly mode: 'train' | 'infer';
  /** `standard` materialises the scores; `flash` is one fused `attention` op. */
  readonly attention: 'standard' | 'flash';
}

interface LayerParams {
  ln1: { scale: ValueId; bias: ValueId };
  wq: ValueId; wk: ValueId; wv: ValueId; bq: ValueId; bk: ValueId; bv: ValueId; wo: ValueId; bo: ValueId;
  ln2: { scale: ValueId; bias: ValueId };
  wIn: ValueId; bIn: ValueId; wOut: ValueId; bOut: ValueId;
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
  const params: ValueId[] = [];
  const param = (path: string, shape: number[]): ValueId => {
    const v = b.input(`params/${path}`, { shape, dtype: dt });
    params.push(v);
    return v;
  };

  const embedTokens = param('embed/tokens', [c.vocab, d]);
  const embedPositions = param('embed/positions', [c.seq, d]);
  const layers: LayerParams[] = [];
  for (let i = 0; i < c.layers; i++) {
    const p = (name: string, shape: number[]) => param(`layer_${i}/${name}`, shape);
    layers.push({
      ln1: { scale: p('ln1/scale', [d]), bias: p('ln1/bias', [d]) },
      wq: p('attn/wq', [d, h, dh]), wk: p('attn/wk', [d, h, dh]), wv: p('attn/wv', [d, h, dh]),
      bq: p('attn/bq', [h, dh]), bk: p('attn/bk', [h, dh]), bv: p('attn/bv', [h, dh]),
      wo: p('attn/wo', [h, dh, d]), bo: p('attn/bo', [d]),
      ln2: { scale: p('ln2/scale', [d]), bias: p('ln2/bias', [d]) },
      wIn: p('mlp/w_in', [d, c.dFF]), bIn: p('mlp/b_in', [c.dFF]),
      wOut: p('mlp/w_out', [c.dFF, d]), bOut: p('mlp/b_out', [d]),
    });
  }
  const finalLn = { scale: param('final_ln/scale', [d]), bias: param('final_ln/bias', [d]) };
  const unembed = c.tiedEmbeddings ? undefined : param('unembed', [d, c.vocab]);

  const state = c.mode === 'train'
    ? declareOptimizerState(b, params, { kind: c.optimizer, precision: c.precision, learningRate: c.learningRate })
    : undefined;
  const tokens = b.input('batch/tokens', { shape: [c.batch, c.seq], dtype: 'i32' });
  const targets = b.input('batch/targets', { shape: [c.batch, c.seq], dtype: 'i32' });

  let x = b.scoped('embed', () => {
    const tok = b.emit1('gather', [embedTokens, tokens], { axis: 0 });
    return b.add(tok, b.broadcast(embedPositions, [c.batch, c.seq, d], [1, 2]));
  });

  const remat: RematSegment[] = [];
  layers.forEach((lp, i) => {
    b.setName(x, `layer_${i}/x`);
    const start = b.ops.length;
    x = block(b, c, i, x, lp, dh);
    if (c.remat === 'full') remat.push({ start, end: b.ops.length });
  });

  const final = b.scoped('final_ln', () => layerNorm(b, x, finalLn.scale, finalLn.bias));
  const logits = b.scoped('unembed', () => b.setName(
    unembed === undefined
      ? b.dot(final, embedTokens, { lhsBatch: [], rhsBatch: [], lhsContract: [2], rhsContract: [1] })
      : dense(b, final, unembed),
    'logits'));
  const loss = b.scoped('loss', () => softmaxCrossEntropy(b, b.convert(logits, 'f32'), targets));

  if (state) finishTrainingStep(b, loss, params, state, remat);
  else {
    b.output(logits, 'logits');
    b.output(loss, 'loss');
  }
  return b.build();
}

/** One pre-LayerNorm decoder block: x + attn(ln1(x)), then + mlp(ln2(·)). */
function block(b: ProgramBuilder, c: TransformerConfig, i: number, x: ValueId, p: LayerParams, dh: number): ValueId {
  const s = `layer_${i}`;
  const ln1 = b.scoped(`${s}/ln1`, () => b.setName(layerNorm(b, x, p.ln1.scale, p.ln1.bias), `${s}/ln1/out`));
  const attnOut = b.scoped(`${s}/attn`, () => {
    // [b, s, d] × [d, h, dh] → [b, s, h, dh]
    const project = (w: ValueId, bias: ValueId, name: string) => b.setName(dense(b, ln1, w, bias), `${s}/attn/${name}`);
    const q = project(p.wq, p.bq, 'q');
    const k = project(p.wk, p.bk, 'k');
    const v = project(p.wv, p.bv, 'v');
    const o = c.attention === 'flash'
      ? b.emit1('attention', [q, k, v], { causal: true, scale: 1 / Math.sqrt(dh) })
      : standardAttention(b, q, k, v, dh);
    // [b, s, h, dh] × [h, dh, d] → [b, s, d]
    const out = b.dot(o, p.wo, { lhsBatch: [], rhsBatch: [], lhsContract: [2, 3], rhsContract: [0, 1] });
    return b.setName(b.add(out, b.broadcastTo(p.bo, b.shape(out))), `${s}/attn/out`);
  });
  const x1 = b.scoped(s, () => b.add(x, attnOut));
  const ln2 = b.scoped(`${s}/ln2`, () => b.setName(layerNorm(b, x1, p.ln2.scale, p.ln2.bias), `${s}/ln2/out`));
  const mlpOut = b.scoped(`${s}/mlp`, () => {
    const hidden = b.setName(gelu(b, dense(b, ln2, p.wIn, p.bIn)), `${s}/mlp/hidden`);
    return b.setName(dense(b, hidden, p.wOut, p.bOut), `${s}/mlp/out`);
  });
  return b.scoped(s, () => b.add(x1, mlpOut));
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
