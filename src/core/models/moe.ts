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
import { stopGradient } from './autodiff';
import { dense, gelu, layerNorm, mean, scale, softmax, softmaxCrossEntropy } from './layers';
import { computeDtype } from './optimizer';
import { declareLayers, finishStep, optimizerStateFor, paramInputs, stackLayers, type DecoderOptions } from './stepParts';
import {
  declareNormAttention, embedBatch, preNormBlock, selfAttention, unembedLogits, type NormAttentionParams,
} from './transformer';

export interface MoeConfig extends DecoderOptions {
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
}

/** Tokens per routing group. */
export const moeGroupSize = (c: Pick<MoeConfig, 'groupSize' | 'seq'>): number => (c.groupSize > 0 ? c.groupSize : c.seq);

export const moeCapacity = (c: Pick<MoeConfig, 'capacityFactor' | 'topK' | 'seq' | 'experts' | 'groupSize'>): number =>
  Math.max(1, Math.ceil((c.capacityFactor * c.topK * moeGroupSize(c)) / c.experts));

interface LayerParams extends NormAttentionParams {
  router: ValueId; wIn: ValueId; wOut: ValueId;
}

export function buildMoe(c: MoeConfig): Program {
  const b = new ProgramBuilder('moe');
  const dt = computeDtype(c.precision);
  const d = c.dModel, h = c.heads, dh = d / h, E = c.experts;
  const { params, param } = paramInputs(b, dt);
  const embedTokens = param('embed/tokens', [c.vocab, d]);
  const embedPositions = param('embed/positions', [c.seq, d]);
  const layers = declareLayers(param, c.layers, (p): LayerParams => ({
    ...declareNormAttention(p, d, h, dh),
    router: p('moe/w_router', [d, E]), wIn: p('moe/w_in', [E, d, c.dFF]), wOut: p('moe/w_out', [E, c.dFF, d]),
  }));
  const finalLn = { scale: param('final_ln/scale', [d]), bias: param('final_ln/bias', [d]) };
  const state = optimizerStateFor(b, params, c);
  const batch = embedBatch(b, c, embedTokens, embedPositions);
  const aux: ValueId[] = [];
  const { x, remat } = stackLayers(b, batch.x, layers, c.remat, (input, lp, i) => {
    const s = `layer_${i}`;
    // The transformer's block with the fused attention and a mixture of experts for the MLP.
    return preNormBlock(b, i, input, {
      norm1: (v) => layerNorm(b, v, lp.ln1.scale, lp.ln1.bias),
      attention: (v) => selfAttention(b, s, v, lp, dh, 'flash'),
      norm2: (v) => layerNorm(b, v, lp.ln2.scale, lp.ln2.bias),
      mlp: (v) => {
        const moe = mixtureOfExperts(b, c, s, v, lp);
        aux.push(moe.aux);
        return moe.out;
      },
      mlpScope: 'moe',
    });
  });
  const final = b.scoped('final_ln', () => layerNorm(b, x, finalLn.scale, finalLn.bias));
  const logits = unembedLogits(b, final, embedTokens);
  const loss = b.scoped('loss', () => {
    const ce = softmaxCrossEntropy(b, b.convert(logits, 'f32'), batch.targets);
    const balance = aux.reduce((acc, a) => b.add(acc, a));
    return b.add(ce, scale(b, balance, c.auxLoss / aux.length));
  });
  finishStep(b, loss, params, state, { value: logits, name: 'logits' }, remat);
  return b.build();
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
