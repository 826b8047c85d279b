/**
 * `t32` / `t48`: the PartIR paper's training transformers (§7.1: "a 32-layer Transformer based on
 * Chinchilla, with an additional normalization layer"; T48 the same scaled to 48 layers). The paper
 * states the depth, width, heads, batch, the 32k vocabulary and that T32 has 289 parameter tensors,
 * "9 for each block + embeddings"; its tactic code (Appendix A.4) names the weights `qkv_einsum`
 * (Megatron dim 1), `dense_up` (dim 2) and the attention output (dim 0). This builder has exactly that
 * structure, so that the collective counts of the paper's Table 3 follow from it:
 *
 * - `params/embed/embeddings` [vocab, d]: the one embedding tensor, tied with the unembedding; no
 *   learned positions (rotary embeddings, parameter-free, stand in for Chinchilla's relative ones);
 * - per block, 9 tensors: `ln1/scale`, `ln1/offset` (RMSNorm with an offset before attention, as
 *   Gopher and Chinchilla normalise), `attn/qkv_einsum` [3, heads, d, dHead], `attn/attn_vec_einsum`
 *   [heads, dHead, d], `attn/norm/scale` (the additional normalization: an RMSNorm of the attention
 *   output before the residual add), `ln2/scale`, `ln2/offset` (before the MLP), `mlp/dense_up`
 *   [2, d, dFF] (GeGLU gate and up projections in one tensor) and `mlp/dense_down` [dFF, d];
 * - no final normalization: the paper's count (9·L + 1) leaves no tensor for one.
 *
 * Our choices where the paper is silent: dFF = 2·d (gated), so T32 has 5.5B parameters and T48 32.5B
 * (the paper's "5B" and "32B"), sequence length 2048, bf16 params and activations with f32 Adam state.
 */
import { ProgramBuilder } from '../ir/builder';
import type { Program, ValueId } from '../ir/types';
import { gelu, softmaxCrossEntropy } from './layers';
import { applyRope, rmsNorm, ropeTables } from './llama';
import { computeDtype } from './optimizer';
import { declareLayers, finishStep, optimizerStateFor, paramInputs, stackLayers, type DecoderOptions } from './stepParts';
import { preNormBlock, unembedLogits, type DecoderDims } from './transformer';

export type ChinchillaConfig = DecoderOptions & DecoderDims;

/** Parameter tensors per block (the paper: "9 for each block"). */
export const CHINCHILLA_TENSORS_PER_BLOCK = 9;

/** Parameter count: L·(4·d² + 3·d·dFF + 5·d) + V·d. */
export function chinchillaParamCount(c: Pick<ChinchillaConfig, 'layers' | 'dModel' | 'dFF' | 'vocab'>): number {
  const d = c.dModel;
  return c.layers * (4 * d * d + 3 * d * c.dFF + 5 * d) + c.vocab * d;
}

interface LayerParams {
  ln1: { scale: ValueId; offset: ValueId };
  qkv: ValueId; attnVec: ValueId; attnNorm: ValueId;
  ln2: { scale: ValueId; offset: ValueId };
  denseUp: ValueId; denseDown: ValueId;
}

export function buildChinchilla(c: ChinchillaConfig): Program {
  const b = new ProgramBuilder('chinchilla');
  const dt = computeDtype(c.precision);
  const d = c.dModel, h = c.heads, dh = d / h;
  const { params, param } = paramInputs(b, dt);
  const embed = param('embed/embeddings', [c.vocab, d]);
  const layers = declareLayers(param, c.layers, (p): LayerParams => ({
    ln1: { scale: p('ln1/scale', [d]), offset: p('ln1/offset', [d]) },
    qkv: p('attn/qkv_einsum', [3, h, d, dh]),
    attnVec: p('attn/attn_vec_einsum', [h, dh, d]),
    attnNorm: p('attn/norm/scale', [d]),
    ln2: { scale: p('ln2/scale', [d]), offset: p('ln2/offset', [d]) },
    denseUp: p('mlp/dense_up', [2, d, c.dFF]),
    denseDown: p('mlp/dense_down', [c.dFF, d]),
  }));
  const state = optimizerStateFor(b, params, c);
  const tokens = b.input('batch/tokens', { shape: [c.batch, c.seq], dtype: 'i32' });
  const targets = b.input('batch/targets', { shape: [c.batch, c.seq], dtype: 'i32' });

  const embedded = b.scoped('embed', () => b.emit1('gather', [embed, tokens], { axis: 0 }));
  const rope = b.scoped('rope', () => ropeTables(b, c.seq, dh, dt));
  const { x, remat } = stackLayers(b, embedded, layers, c.remat, (v, lp, i) => block(b, i, v, lp, rope, dh));
  // No final normalization: the paper's count (9 per block + embeddings) leaves no tensor for one.
  const logits = unembedLogits(b, x, embed);
  const loss = b.scoped('loss', () => softmaxCrossEntropy(b, b.convert(logits, 'f32'), targets));
  finishStep(b, loss, params, state, { value: logits, name: 'logits' }, remat);
  return b.build();
}

/** Slice `i` of dim `dim` of x, with that dim dropped: [.., n, ..] → [.., ..]. */
function pick(b: ProgramBuilder, x: ValueId, dim: number, i: number): ValueId {
  const shape = b.shape(x);
  const s = b.emit1('slice', [x], {
    start: shape.map((_, k) => (k === dim ? i : 0)),
    limit: shape.map((n, k) => (k === dim ? i + 1 : n)),
    stride: shape.map(() => 1),
  });
  return b.reshape(s, shape.filter((_, k) => k !== dim));
}

function block(
  b: ProgramBuilder, i: number, x: ValueId, p: LayerParams,
  rope: { cos: ValueId; sin: ValueId }, dh: number,
): ValueId {
  const s = `layer_${i}`;
  return preNormBlock(b, i, x, {
    norm1: (v) => rmsNormOffset(b, v, p.ln1),
    attention: (v) => {
      // [b, s, d] × [3, h, d, dh] → [b, s, 3, h, dh]: q, k and v in one einsum.
      const qkv = b.dot(v, p.qkv, { lhsBatch: [], rhsBatch: [], lhsContract: [2], rhsContract: [2] });
      const q = b.setName(applyRope(b, pick(b, qkv, 2, 0), rope), `${s}/attn/q`);
      const k = b.setName(applyRope(b, pick(b, qkv, 2, 1), rope), `${s}/attn/k`);
      const val = b.setName(pick(b, qkv, 2, 2), `${s}/attn/v`);
      // Fused causal attention: the scores are not materialised (XLA's fusion on TPU).
      const o = b.emit1('attention', [q, k, val], { causal: true, scale: 1 / Math.sqrt(dh) });
      const out = b.dot(o, p.attnVec, { lhsBatch: [], rhsBatch: [], lhsContract: [2, 3], rhsContract: [0, 1] });
      return b.setName(rmsNorm(b, out, p.attnNorm), `${s}/attn/out`);
    },
    norm2: (v) => rmsNormOffset(b, v, p.ln2),
    mlp: (v) => {
      // [b, s, d] × [2, d, dFF] → [b, s, 2, dFF]: the GeGLU gate and up projections.
      const up = b.dot(v, p.denseUp, { lhsBatch: [], rhsBatch: [], lhsContract: [2], rhsContract: [1] });
      const hidden = b.setName(b.mul(gelu(b, pick(b, up, 2, 0)), pick(b, up, 2, 1)), `${s}/mlp/hidden`);
      return b.setName(b.dot(hidden, p.denseDown, { lhsBatch: [], rhsBatch: [], lhsContract: [2], rhsContract: [0] }), `${s}/mlp/out`);
    },
  });
}


/** RMSNorm with a learned offset: rmsNorm(x)·scale + offset (one reduction over d, no mean subtraction). */
function rmsNormOffset(b: ProgramBuilder, x: ValueId, p: { scale: ValueId; offset: ValueId }): ValueId {
  return b.add(rmsNorm(b, x, p.scale), b.broadcastTo(p.offset, b.shape(x)));
}
