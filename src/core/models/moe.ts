/**
 * `moe`: a GPT-style decoder whose MLPs are mixtures of experts with top-k routing, after GShard and
 * Switch Transformer. Tokens are routed in groups (`groupSize` tokens of a sequence; capacity per group), and
 * dispatch and combine are one-hot matmuls, which every sharding rule already covers:
 *   dispatch [G, S, E, C] · x [G, S, d] → `layer_{i}/moe/dispatched` [G, E, C, d]
 *   → transpose → `layer_{i}/moe/expert_in` [E, G, C, d]
 *   experts: [E, G, C, d] × w_in [E, d, dFF] → GELU → × w_out [E, dFF, d] (`layer_{i}/moe/expert_out`)
 *   → transpose → `layer_{i}/moe/returned` [G, E, C, d]; combine [G, S, E, C] · returned → [G, S, d]
 * With the group-major values tiled on G and the expert-major ones on E over one axis (the
 * ExpertParallel preset), the two transposes become the all-to-alls of GShard.
 * The loss adds Switch's load-balancing term E · Σₑ fₑ · Pₑ (averaged over layers) times `auxLoss`.
 * Attention is the transformer's (same parameter paths), as one fused op.
 */
import { ProgramBuilder } from '../ir/builder';
import type { Program, ValueId } from '../ir/types';
import { stopGradient, type RematSegment } from './autodiff';
import { dense, gelu, layerNorm, mean, scale, softmax, softmaxCrossEntropy } from './layers';
import { computeDtype, declareOptimizerState, type OptimizerKind, type Precision } from './optimizer';
import { finishTrainingStep } from './step';

export interface MoeConfig {
  readonly layers: number;
  readonly dModel: number;
  readonly heads: number;
  readonly dFF: number;
  readonly experts: number;
  readonly topK: number;
  /** Slots per expert and group: ceil(capacityFactor · topK · seq / experts). */
  readonly capacityFactor: number;
  /** Weight of the load-balancing loss. */
  readonly auxLoss: number;
  /** Tokens per routing group (divides seq); 0: one group per sequence. */
  readonly groupSize: number;
  readonly seq: number;
  readonly vocab: number;
  readonly batch: number;
  readonly optimizer: OptimizerKind;
  readonly precision: Precision;
  readonly learningRate: number;
  /** `full`: each block's forward is recomputed in the backward pass, so only block inputs stay live. */
  readonly remat: 'none' | 'full';
  readonly mode: 'train' | 'infer';
}

/** Tokens per routing group. */
export const moeGroupSize = (c: Pick<MoeConfig, 'groupSize' | 'seq'>): number => (c.groupSize > 0 ? c.groupSize : c.seq);

export const moeCapacity = (c: Pick<MoeConfig, 'capacityFactor' | 'topK' | 'seq' | 'experts' | 'groupSize'>): number =>
  Math.max(1, Math.ceil((c.capacityFactor * c.topK * moeGroupSize(c)) / c.experts));

interface LayerParams {
  ln1: { scale: ValueId; bias: ValueId };
  wq: ValueId; wk: ValueId; wv: ValueId; bq: ValueId; bk: ValueId; bv: ValueId; wo: ValueId; bo: ValueId;
  ln2: { scale: ValueId; bias: ValueId };
  router: ValueId; wIn: ValueId; wOut: ValueId;
}

export function buildMoe(c: MoeConfig): Program {
  const b = new ProgramBuilder('moe');
  const dt = computeDtype(c.precision);
  const d = c.dModel, h = c.heads, dh = d / h, E = c.experts;
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
      router: p('moe/w_router', [d, E]), wIn: p('moe/w_in', [E, d, c.dFF]), wOut: p('moe/w_out', [E, c.dFF, d]),
    });
  }
  const finalLn = { scale: param('final_ln/scale', [d]), bias: param('final_ln/bias', [d]) };
  const state = c.mode === 'train'
    ? declareOptimizerState(b, params, { kind: c.optimizer, precision: c.precision, learningRate: c.learningRate })
    : undefined;
  const tokens = b.input('batch/tokens', { shape: [c.batch, c.seq], dtype: 'i32' });
  const targets = b.input('batch/targets', { shape: [c.batch, c.seq], dtype: 'i32' });

  let x = b.scoped('embed', () => {
    const tok = b.emit1('gather', [embedTokens, tokens], { axis: 0 });
    return b.add(tok, b.broadcast(embedPositions, [c.batch, c.seq, d], [1, 2]));
  });
  const aux: ValueId[] = [];
  const remat: RematSegment[] = [];
  layers.forEach((lp, i) => {
    b.setName(x, `layer_${i}/x`);
    const s = `layer_${i}`;
    const start = b.ops.length;
    const ln1 = b.scoped(`${s}/ln1`, () => b.setName(layerNorm(b, x, lp.ln1.scale, lp.ln1.bias), `${s}/ln1/out`));
    const attnOut = b.scoped(`${s}/attn`, () => fusedAttention(b, s, ln1, lp, dh));
    const x1 = b.scoped(s, () => b.add(x, attnOut));
    const ln2 = b.scoped(`${s}/ln2`, () => b.setName(layerNorm(b, x1, lp.ln2.scale, lp.ln2.bias), `${s}/ln2/out`));
    const moe = b.scoped(`${s}/moe`, () => mixtureOfExperts(b, c, s, ln2, lp));
    aux.push(moe.aux);
    x = b.scoped(s, () => b.add(x1, moe.out));
    if (c.remat === 'full') remat.push({ start, end: b.ops.length });
  });
  const final = b.scoped('final_ln', () => layerNorm(b, x, finalLn.scale, finalLn.bias));
  const logits = b.scoped('unembed', () => b.setName(
    b.dot(final, embedTokens, { lhsBatch: [], rhsBatch: [], lhsContract: [2], rhsContract: [1] }), 'logits'));
  const loss = b.scoped('loss', () => {
    const ce = softmaxCrossEntropy(b, b.convert(logits, 'f32'), targets);
    const balance = aux.reduce((acc, a) => b.add(acc, a));
    return b.add(ce, scale(b, balance, c.auxLoss / aux.length));
  });
  if (state) finishTrainingStep(b, loss, params, state, remat);
  else {
    b.output(logits, 'logits');
    b.output(loss, 'loss');
  }
  return b.build();
}

/** The transformer's attention (biases, causal, one fused op), under the same paths and names. */
function fusedAttention(b: ProgramBuilder, s: string, x: ValueId, p: LayerParams, dh: number): ValueId {
  const project = (w: ValueId, bias: ValueId, name: string) => b.setName(dense(b, x, w, bias), `${s}/attn/${name}`);
  const q = project(p.wq, p.bq, 'q'), k = project(p.wk, p.bk, 'k'), v = project(p.wv, p.bv, 'v');
  const o = b.emit1('attention', [q, k, v], { causal: true, scale: 1 / Math.sqrt(dh) });
  const out = b.dot(o, p.wo, { lhsBatch: [], rhsBatch: [], lhsContract: [2, 3], rhsContract: [0, 1] });
  return b.setName(b.add(out, b.broadcastTo(p.bo, b.shape(out))), `${s}/attn/out`);
}

/**
 * Top-k routing with capacity, dispatch, experts, combine. Routing runs in f32; the selection masks
 * carry no gradient (the router learns through the gate values and the load-balancing loss).
 */
function mixtureOfExperts(b: ProgramBuilder, c: MoeConfig, s: string, tokens: ValueId, p: LayerParams): { out: ValueId; aux: ValueId } {
  const [B, L, d] = b.shape(tokens);
  const S = moeGroupSize(c), G = (B * L) / S;
  const x = S === L ? tokens : b.reshape(tokens, [G, S, d]);
  const E = c.experts, C = moeCapacity(c);
  const dt = b.type(x).dtype;
  const probs = b.setName(softmax(b, b.convert(dense(b, x, p.router), 'f32')), `${s}/moe/router_probs`);
  const zeros = b.constant(0, [G, S, E]);
  const ones = b.constant(1, [G, S, E]);

  // Pick the k largest probabilities one at a time, knocking each winner out (probabilities are ≥ 0).
  let remaining = probs;
  let chosen = zeros;
  let top1: ValueId | undefined;
  for (let j = 0; j < c.topK; j++) {
    const best = stopGradient(b, b.reduce(remaining, 'max', [2]));
    const hit = b.compare(remaining, b.broadcast(best, [G, S, E], [0, 1]), 'EQ');
    const hitF = b.select(hit, ones, zeros);
    top1 ??= hitF;
    chosen = b.add(chosen, hitF);
    remaining = b.select(hit, b.constant(-1, [G, S, E]), remaining);
  }
  const mask = b.setName(chosen, `${s}/moe/expert_mask`);
  // Slot of a token in its expert's buffer: how many earlier tokens of the group chose that expert
  // (a cumulative sum as a lower-triangular matmul); tokens past the capacity are dropped.
  const tri = b.select(b.compare(b.iota([S, S], 1), b.iota([S, S], 0), 'LE'), b.constant(1, [S, S]), b.constant(0, [S, S]));
  const upTo = b.dot(mask, tri, { lhsBatch: [], rhsBatch: [], lhsContract: [1], rhsContract: [1] }); // [G, E, S]
  const slot = b.sub(b.transpose(upTo, [0, 2, 1]), ones);
  const inSlot = b.compare(b.broadcast(slot, [G, S, E, C], [0, 1, 2]), b.iota([G, S, E, C], 3, 'f32'), 'EQ');
  // The one-hot tensors [G, S, E, C] are the largest of the layer: keep them in the compute dtype.
  const dispatch = b.setName(
    b.mul(b.select(inSlot, b.constant(1, [G, S, E, C], dt), b.constant(0, [G, S, E, C], dt)), b.broadcast(b.convert(mask, dt), [G, S, E, C], [0, 1, 2])),
    `${s}/moe/dispatch`);
  const gates = b.convert(b.mul(probs, mask), dt);
  const combine = b.setName(b.mul(dispatch, b.broadcast(gates, [G, S, E, C], [0, 1, 2])), `${s}/moe/combine`);

  // [G, S, E, C] · [G, S, d] → [G, E, C, d] → expert-major [E, G, C, d]
  const grouped = b.setName(
    b.dot(dispatch, x, { lhsBatch: [0], rhsBatch: [0], lhsContract: [1], rhsContract: [1] }), `${s}/moe/dispatched`);
  const expertIn = b.setName(b.transpose(grouped, [1, 0, 2, 3]), `${s}/moe/expert_in`);
  const batchDot = { lhsBatch: [0], rhsBatch: [0], lhsContract: [3], rhsContract: [1] };
  const hidden = b.setName(gelu(b, b.dot(expertIn, p.wIn, batchDot)), `${s}/moe/hidden`);
  const expertOut = b.setName(b.dot(hidden, p.wOut, batchDot), `${s}/moe/expert_out`);
  // Back to group-major [G, E, C, d], then [G, S, E, C] · [G, E, C, d] → [G, S, d]
  const returned = b.setName(b.transpose(expertOut, [1, 0, 2, 3]), `${s}/moe/returned`);
  const combined = b.dot(combine, returned, { lhsBatch: [0], rhsBatch: [0], lhsContract: [2, 3], rhsContract: [1, 2] });
  const out = b.setName(S === L ? combined : b.reshape(combined, [B, L, d]), `${s}/moe/out`);

  // Switch's balance term: E · Σₑ (fraction of tokens whose first choice is e) · (mean router prob of e).
  const frac = mean(b, top1 ?? zeros, [0, 1]);
  const meanProb = mean(b, probs, [0, 1]);
  const aux = scale(b, b.sum(b.mul(frac, meanProb), [0]), E);
  return { out, aux };
}
