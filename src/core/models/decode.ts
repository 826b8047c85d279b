/**
 * `transformer-decode`: one sampling step of a GPT-style decoder with multi-query attention (the
 * paper's IT32). Every sequence of the batch feeds its newest token (`batch/tokens` [batch, 1]) at the
 * same cache position (`position`, an i32 scalar); each layer writes that token's key and value into
 * its cache (`batch/kv_cache/layer_{i}/k|v` [batch, cacheLen, 1, dHead], by dynamic_update_slice) and
 * attends over the cache up to the position. One key/value head serves all query heads, so `attn/wk`
 * and `attn/wv` are [d, 1, dHead]. The attention names its raw scores (`attn/scores` [batch, 1, heads,
 * cacheLen]) and its output projection before the bias (`attn/proj`), where MultiQuery tiles and pins
 * (src/core/tactics/familyPresets.ts). Outputs: `logits` [batch, 1, vocab] and the updated caches under
 * their input names. Inference only: no loss, no gradients.
 */
import { ProgramBuilder } from '../ir/builder';
import type { Program, ValueId } from '../ir/types';
import { dense, layerNorm, scale, softmax } from './layers';
import { computeDtype, type Precision } from './optimizer';
import { declareLayers, stackLayers } from './stepParts';
import {
  declareNormAttention, geluMlp, preNormBlock, unembedLogits, type MlpParams, type NormAttentionParams,
} from './transformer';

export interface DecodeConfig {
  readonly layers: number;
  readonly dModel: number;
  readonly heads: number;
  readonly dFF: number;
  readonly cacheLen: number;
  readonly vocab: number;
  readonly batch: number;
  readonly precision: Precision;
}

type LayerParams = NormAttentionParams & MlpParams;

/** Elements of the KV cache: 2 (k and v) · layers · batch · cacheLen · dHead. */
export function kvCacheElements(c: Pick<DecodeConfig, 'layers' | 'batch' | 'cacheLen' | 'dModel' | 'heads'>): number {
  return 2 * c.layers * c.batch * c.cacheLen * (c.dModel / c.heads);
}

export function buildDecode(c: DecodeConfig): Program {
  const b = new ProgramBuilder('transformer-decode');
  const dt = computeDtype(c.precision);
  const d = c.dModel, h = c.heads, dh = d / h;
  const param = (path: string, shape: number[]): ValueId => b.input(`params/${path}`, { shape, dtype: dt });
  const embedTokens = param('embed/tokens', [c.vocab, d]);
  const embedPositions = param('embed/positions', [c.cacheLen, d]);
  const layers = declareLayers(param, c.layers, (p): LayerParams => ({
    ...declareNormAttention(p, d, h, dh, 1), // one key/value head: multi-query
    wIn: p('mlp/w_in', [d, c.dFF]), bIn: p('mlp/b_in', [c.dFF]),
    wOut: p('mlp/w_out', [c.dFF, d]), bOut: p('mlp/b_out', [d]),
  }));
  const finalLn = { scale: param('final_ln/scale', [d]), bias: param('final_ln/bias', [d]) };
  const tokens = b.input('batch/tokens', { shape: [c.batch, 1], dtype: 'i32' });
  const caches = layers.map((_, i) => ({
    k: b.input(`batch/kv_cache/layer_${i}/k`, { shape: [c.batch, c.cacheLen, 1, dh], dtype: dt }),
    v: b.input(`batch/kv_cache/layer_${i}/v`, { shape: [c.batch, c.cacheLen, 1, dh], dtype: dt }),
  }));
  // Not under batch/: it is one scalar for the whole batch, never tiled.
  const position = b.input('position', { shape: [], dtype: 'i32' }, 'other');

  const x = b.scoped('embed', () => {
    const tok = b.emit1('gather', [embedTokens, tokens], { axis: 0 });
    const zero = b.constant(0, [], 'i32');
    const pos = b.emit1('dynamic_slice', [embedPositions, position, zero], { sizes: [1, d] });
    return b.add(tok, b.broadcast(pos, [c.batch, 1, d], [1, 2]));
  });

  const updated: { k: ValueId; v: ValueId }[] = [];
  const stack = stackLayers(b, x, layers, 'none', (v, lp, i) => {
    const r = decodeBlock(b, i, v, lp, caches[i], position, dh);
    updated.push(r.cache);
    return r.x;
  });
  const final = b.scoped('final_ln', () => layerNorm(b, stack.x, finalLn.scale, finalLn.bias));
  const logits = unembedLogits(b, final, embedTokens);
  b.output(logits, 'logits');
  updated.forEach((u, i) => {
    b.output(u.k, `batch/kv_cache/layer_${i}/k`);
    b.output(u.v, `batch/kv_cache/layer_${i}/v`);
  });
  return b.build();
}

function decodeBlock(
  b: ProgramBuilder, i: number, x: ValueId, p: LayerParams, cache: { k: ValueId; v: ValueId }, position: ValueId, dh: number,
): { x: ValueId; cache: { k: ValueId; v: ValueId } } {
  const s = `layer_${i}`;
  let newCache = cache;
  // The transformer's block; only the attention differs (it writes the cache and reads all of it).
  const out = preNormBlock(b, i, x, {
    norm1: (v) => layerNorm(b, v, p.ln1.scale, p.ln1.bias),
    attention: (ln1) => {
      const q = b.setName(dense(b, ln1, p.wq, p.bq), `${s}/attn/q`);
      const kNew = b.setName(dense(b, ln1, p.wk, p.bk), `${s}/attn/k`);
      const vNew = b.setName(dense(b, ln1, p.wv, p.bv), `${s}/attn/v`);
      const zero = b.constant(0, [], 'i32');
      const write = (c: ValueId, u: ValueId, name: string) =>
        b.setName(b.emit1('dynamic_update_slice', [c, u, zero, position, zero, zero], {}), `${s}/attn/cache_${name}`);
      newCache = { k: write(cache.k, kNew, 'k'), v: write(cache.v, vNew, 'v') };
      const context = multiQueryAttention(b, s, q, newCache.k, newCache.v, position, dh);
      // The transformer's attentionOutput, with the projection named before its bias: MultiQuery
      // pins it replicated (the row-parallel matmul's all-reduce), see src/core/tactics/familyPresets.ts.
      const proj = b.setName(b.dot(context, p.wo, { lhsBatch: [], rhsBatch: [], lhsContract: [2, 3], rhsContract: [0, 1] }), `${s}/attn/proj`);
      return b.setName(b.add(proj, b.broadcastTo(p.bo, b.shape(proj))), `${s}/attn/out`);
    },
    norm2: (v) => layerNorm(b, v, p.ln2.scale, p.ln2.bias),
    mlp: (v) => geluMlp(b, s, v, p),
  });
  return { x: out, cache: newCache };
}

/**
 * Multi-query attention of the new token over the cache: q [b, 1, h, dh] against the single key/value
 * head k, v [b, t, 1, dh], keys after `position` masked out. The shared head is dropped by a reshape so
 * that the scores are one batched matmul [b, 1, h, t] with no head dim on the cache side: sharding the
 * query heads then leaves the cache whole, and sharding the batch splits both.
 */
function multiQueryAttention(b: ProgramBuilder, s: string, q: ValueId, k: ValueId, v: ValueId, position: ValueId, dh: number): ValueId {
  const [bs, len, h] = b.shape(q);
  const t = b.shape(k)[1];
  const k3 = b.reshape(k, [bs, t, dh]);
  const v3 = b.reshape(v, [bs, t, dh]);
  const qk = b.setName(b.dot(q, k3, { lhsBatch: [0], rhsBatch: [0], lhsContract: [3], rhsContract: [2] }), `${s}/attn/scores`);
  const scores = scale(b, qk, 1 / Math.sqrt(dh));
  const visible = b.compare(b.iota([t], 0), b.broadcast(position, [t], []), 'LE');
  const masked = b.select(b.broadcast(visible, [bs, len, h, t], [3]), scores, b.full(scores, -1e9));
  const probs = softmax(b, masked);
  // [b, 1, h, t] × [b, t, dh] → [b, 1, h, dh]
  return b.dot(probs, v3, { lhsBatch: [0], rhsBatch: [0], lhsContract: [3], rhsContract: [1] });
}
