/**
 * `llama`: a Llama-style decoder training (or inference) step. Against the GPT-style `transformer` it
 * changes four things: RMSNorm without bias (`ln1/scale`, `ln2/scale`, `final_ln/scale`), a SwiGLU MLP
 * (`mlp/w_gate`, `mlp/w_up`, `mlp/w_down`), rotary position embeddings (no `embed/positions`) and
 * grouped-query attention (`attn/wk|wv` [d, kvHeads, dHead]), with an untied `params/unembed`.
 * Attention is the fused `attention` op, whose sharding rule already knows the GQA head grouping.
 */
import { ProgramBuilder } from '../ir/builder';
import type { Program, ValueId } from '../ir/types';
import { dense, mean, softmaxCrossEntropy } from './layers';
import { computeDtype } from './optimizer';
import { declareLayers, finishStep, optimizerStateFor, paramInputs, stackLayers, type DecoderOptions } from './stepParts';
import { preNormBlock, unembedLogits } from './transformer';

export interface LlamaConfig extends DecoderOptions {
  readonly layers: number;
  readonly dModel: number;
  readonly heads: number;
  /** Key/value heads; divides `heads` (1: multi-query, `heads`: plain multi-head). */
  readonly kvHeads: number;
  readonly dFF: number;
  readonly seq: number;
  readonly vocab: number;
  readonly batch: number;
}

/** Parameters: per layer 2d (norms) + d·dh·(2h + 2kvh) (attention) + 3·d·dFF (SwiGLU); plus 2·V·d + d. */
export function llamaParamCount(c: Pick<LlamaConfig, 'layers' | 'dModel' | 'heads' | 'kvHeads' | 'dFF' | 'vocab'>): number {
  const d = c.dModel, dh = d / c.heads;
  const perLayer = 2 * d + d * dh * (2 * c.heads + 2 * c.kvHeads) + 3 * d * c.dFF;
  return c.layers * perLayer + 2 * c.vocab * d + d;
}

/**
 * RMSNorm over the last dim: x · rsqrt(mean(x²) + eps) · scale, written with plain ops (its gradient is
 * the op-by-op one; it has no mean subtraction to recompute).
 */
export function rmsNorm(b: ProgramBuilder, x: ValueId, scale: ValueId, eps = 1e-6): ValueId {
  const shape = b.shape(x);
  const r = shape.length;
  const outer = Array.from({ length: r - 1 }, (_, i) => i);
  const ms = mean(b, b.mul(x, x), [r - 1]);
  const inv = b.unary('rsqrt', b.add(ms, b.full(ms, eps)));
  return b.mul(b.mul(x, b.broadcast(inv, shape, outer)), b.broadcastTo(scale, shape));
}

/** SiLU (swish): x · σ(x). */
export function silu(b: ProgramBuilder, x: ValueId): ValueId {
  return b.mul(x, b.unary('logistic', x));
}

/**
 * The rotary tables cos, sin [seq, dHead] for the rotate-half form (as in Hugging Face's Llama):
 * frequency k of the pair (k, k + dh/2) is base^(−2k/dh). They are dense constants: the IR has no
 * trigonometric op, and they depend only on the shapes.
 */
export function ropeTables(b: ProgramBuilder, seq: number, dh: number, dtype: 'f32' | 'bf16', base = 10000): { cos: ValueId; sin: ValueId } {
  const half = dh / 2;
  const cos: number[] = new Array<number>(seq * dh);
  const sin: number[] = new Array<number>(seq * dh);
  for (let p = 0; p < seq; p++) {
    for (let k = 0; k < dh; k++) {
      const angle = p * Math.pow(base, (-2 * (k % half)) / dh);
      cos[p * dh + k] = Math.cos(angle);
      sin[p * dh + k] = Math.sin(angle);
    }
  }
  return {
    cos: b.emit1('constant', [], { shape: [seq, dh], dtype, data: cos }),
    sin: b.emit1('constant', [], { shape: [seq, dh], dtype, data: sin }),
  };
}

/**
 * Rotary embedding of x [b, s, heads, dh]: x·cos + rotate_half(x)·sin with rotate_half(x) = [−x₂, x₁].
 * The halves are slices of the head dim, which stays replicated under head or batch sharding.
 */
export function applyRope(b: ProgramBuilder, x: ValueId, tables: { cos: ValueId; sin: ValueId }): ValueId {
  const shape = b.shape(x);
  const dh = shape[3], half = dh / 2;
  const part = (lo: number, hi: number) => b.emit1('slice', [x], {
    start: [0, 0, 0, lo], limit: [shape[0], shape[1], shape[2], hi], stride: [1, 1, 1, 1],
  });
  const rotated = b.emit1('concatenate', [b.neg(part(half, dh)), part(0, half)], { dim: 3 });
  const cos = b.broadcast(tables.cos, shape, [1, 3]);
  const sin = b.broadcast(tables.sin, shape, [1, 3]);
  return b.add(b.mul(x, cos), b.mul(rotated, sin));
}

interface LayerParams {
  ln1: ValueId; wq: ValueId; wk: ValueId; wv: ValueId; wo: ValueId;
  ln2: ValueId; wGate: ValueId; wUp: ValueId; wDown: ValueId;
}

export function buildLlama(c: LlamaConfig): Program {
  const b = new ProgramBuilder('llama');
  const dt = computeDtype(c.precision);
  const d = c.dModel, h = c.heads, kvh = c.kvHeads, dh = d / h;
  const { params, param } = paramInputs(b, dt);
  const embed = param('embed/tokens', [c.vocab, d]);
  const layers = declareLayers(param, c.layers, (p): LayerParams => ({
    ln1: p('ln1/scale', [d]),
    wq: p('attn/wq', [d, h, dh]), wk: p('attn/wk', [d, kvh, dh]), wv: p('attn/wv', [d, kvh, dh]), wo: p('attn/wo', [h, dh, d]),
    ln2: p('ln2/scale', [d]),
    wGate: p('mlp/w_gate', [d, c.dFF]), wUp: p('mlp/w_up', [d, c.dFF]), wDown: p('mlp/w_down', [c.dFF, d]),
  }));
  const finalLn = param('final_ln/scale', [d]);
  const unembed = param('unembed', [d, c.vocab]);
  const state = optimizerStateFor(b, params, c);
  const tokens = b.input('batch/tokens', { shape: [c.batch, c.seq], dtype: 'i32' });
  const targets = b.input('batch/targets', { shape: [c.batch, c.seq], dtype: 'i32' });

  const embedded = b.scoped('embed', () => b.emit1('gather', [embed, tokens], { axis: 0 }));
  // One pair of tables for all layers: constants are propagation barriers, so sharing costs nothing.
  const rope = b.scoped('rope', () => ropeTables(b, c.seq, dh, dt));
  const { x, remat } = stackLayers(b, embedded, layers, c.remat, (v, lp, i) => llamaBlock(b, i, v, lp, rope, dh));
  const final = b.scoped('final_ln', () => rmsNorm(b, x, finalLn));
  const logits = unembedLogits(b, final, embed, unembed);
  const loss = b.scoped('loss', () => softmaxCrossEntropy(b, b.convert(logits, 'f32'), targets));
  finishStep(b, loss, params, state, { value: logits, name: 'logits' }, remat);
  return b.build();
}

function llamaBlock(b: ProgramBuilder, i: number, x: ValueId, p: LayerParams, rope: { cos: ValueId; sin: ValueId }, dh: number): ValueId {
  const s = `layer_${i}`;
  // The transformer's pre-norm block with RMSNorm, rotary GQA attention (no biases) and SwiGLU.
  return preNormBlock(b, i, x, {
    norm1: (v) => rmsNorm(b, v, p.ln1),
    attention: (ln1) => {
      const q = b.setName(applyRope(b, dense(b, ln1, p.wq), rope), `${s}/attn/q`);
      const k = b.setName(applyRope(b, dense(b, ln1, p.wk), rope), `${s}/attn/k`);
      const v = b.setName(dense(b, ln1, p.wv), `${s}/attn/v`);
      const o = b.emit1('attention', [q, k, v], { causal: true, scale: 1 / Math.sqrt(dh) });
      return b.setName(b.dot(o, p.wo, { lhsBatch: [], rhsBatch: [], lhsContract: [2, 3], rhsContract: [0, 1] }), `${s}/attn/out`);
    },
    norm2: (v) => rmsNorm(b, v, p.ln2),
    mlp: (ln2) => {
      const hidden = b.setName(b.mul(silu(b, dense(b, ln2, p.wGate)), dense(b, ln2, p.wUp)), `${s}/mlp/hidden`);
      return b.setName(dense(b, hidden, p.wDown), `${s}/mlp/out`);
    },
  });
}
