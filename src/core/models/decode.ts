/**
 * `transformer-decode`: one sampling step of a GPT-style decoder with multi-query attention (the
 * paper's IT32). Every sequence of the batch feeds its newest token (`batch/tokens` [batch, 1]) at the
 * same cache position (`position`, an i32 scalar); each layer writes that token's key and value into
 * its cache (`batch/kv_cache/layer_{i}/k|v` [batch, cacheLen, 1, dHead], by dynamic_update_slice) and
 * attends over the cache up to the position. One key/value head serves all query heads, so `attn/wk`
 * and `attn/wv` are [d, 1, dHead]. Outputs: `logits` [batch, 1, vocab] and the updated caches under
 * their input names. Inference only: no loss, no gradients.
 */
import { ProgramBuilder } from '../ir/builder';
import type { Program, ValueId } from '../ir/types';
import { dense, gelu, layerNorm, scale, softmax } from './layers';
import { computeDtype, type Precision } from './optimizer';

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

interface LayerParams {
  ln1: { scale: ValueId; bias: ValueId };
  wq: ValueId; wk: ValueId; wv: ValueId; bq: ValueId; bk: ValueId; bv: ValueId; wo: ValueId; bo: ValueId;
  ln2: { scale: ValueId; bias: ValueId };
  wIn: ValueId; bIn: ValueId; wOut: ValueId; bOut: ValueId;
}

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
  const layers: LayerParams[] = [];
  for (let i = 0; i < c.layers; i++) {
    const p = (name: string, shape: number[]) => param(`layer_${i}/${name}`, shape);
    layers.push({
      ln1: { scale: p('ln1/scale', [d]), bias: p('ln1/bias', [d]) },
      wq: p('attn/wq', [d, h, dh]), wk: p('attn/wk', [d, 1, dh]), wv: p('attn/wv', [d, 1, dh]),
      bq: p('attn/bq', [h, dh]), bk: p('attn/bk', [1, dh]), bv: p('attn/bv', [1, dh]),
      wo: p('attn/wo', [h, dh, d]), bo: p('attn/bo', [d]),
      ln2: { scale: p('ln2/scale', [d]), bias: p('ln2/bias', [d]) },
      wIn: p('mlp/w_in', [d, c.dFF]), bIn: p('mlp/b_in', [c.dFF]),
      wOut: p('mlp/w_out', [c.dFF, d]), bOut: p('mlp/b_out', [d]),
    });
  }
  const finalLn = { scale: param('final_ln/scale', [d]), bias: param('final_ln/bias', [d]) };
  const tokens = b.input('batch/tokens', { shape: [c.batch, 1], dtype: 'i32' });
  const caches = layers.map((_, i) => ({
    k: b.input(`batch/kv_cache/layer_${i}/k`, { shape: [c.batch, c.cacheLen, 1, dh], dtype: dt }),
    v: b.input(`batch/kv_cache/layer_${i}/v`, { shape: [c.batch, c.cacheLen, 1, dh], dtype: dt }),
  }));
  // Not under batch/: it is one scalar for the whole batch, never tiled.
  const position = b.input('position', { shape: [], dtype: 'i32' }, 'other');

  let x = b.scoped('embed', () => {
    const tok = b.emit1('gather', [embedTokens, tokens], { axis: 0 });
    const zero = b.constant(0, [], 'i32');
    const pos = b.emit1('dynamic_slice', [embedPositions, position, zero], { sizes: [1, d] });
    return b.add(tok, b.broadcast(pos, [c.batch, 1, d], [1, 2]));
  });

  const updated: { k: ValueId; v: ValueId }[] = [];
  layers.forEach((lp, i) => {
    b.setName(x, `layer_${i}/x`);
    const r = decodeBlock(b, i, x, lp, caches[i], position, dh);
    x = r.x;
    updated.push(r.cache);
  });
  const final = b.scoped('final_ln', () => layerNorm(b, x, finalLn.scale, finalLn.bias));
  const logits = b.scoped('unembed', () => b.setName(
    b.dot(final, embedTokens, { lhsBatch: [], rhsBatch: [], lhsContract: [2], rhsContract: [1] }), 'logits'));
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
  const ln1 = b.scoped(`${s}/ln1`, () => b.setName(layerNorm(b, x, p.ln1.scale, p.ln1.bias), `${s}/ln1/out`));
  let newCache = cache;
  const attnOut = b.scoped(`${s}/attn`, () => {
    const q = b.setName(dense(b, ln1, p.wq, p.bq), `${s}/attn/q`);
    const kNew = b.setName(dense(b, ln1, p.wk, p.bk), `${s}/attn/k`);
    const vNew = b.setName(dense(b, ln1, p.wv, p.bv), `${s}/attn/v`);
    const zero = b.constant(0, [], 'i32');
    const write = (c: ValueId, u: ValueId, name: string) =>
      b.setName(b.emit1('dynamic_update_slice', [c, u, zero, position, zero, zero], {}), `${s}/attn/cache_${name}`);
    newCache = { k: write(cache.k, kNew, 'k'), v: write(cache.v, vNew, 'v') };
    const o = multiQueryAttention(b, q, newCache.k, newCache.v, position, dh);
    const out = b.dot(o, p.wo, { lhsBatch: [], rhsBatch: [], lhsContract: [2, 3], rhsContract: [0, 1] });
    return b.setName(b.add(out, b.broadcastTo(p.bo, b.shape(out))), `${s}/attn/out`);
  });
  const x1 = b.scoped(s, () => b.add(x, attnOut));
  const ln2 = b.scoped(`${s}/ln2`, () => b.setName(layerNorm(b, x1, p.ln2.scale, p.ln2.bias), `${s}/ln2/out`));
  const mlpOut = b.scoped(`${s}/mlp`, () => {
    const hidden = b.setName(gelu(b, dense(b, ln2, p.wIn, p.bIn)), `${s}/mlp/hidden`);
    return b.setName(dense(b, hidden, p.wOut, p.bOut), `${s}/mlp/out`);
  });
  return { x: b.scoped(s, () => b.add(x1, mlpOut)), cache: newCache };
}

/**
 * Multi-query attention of the new token over the cache: q [b, 1, h, dh] against the single key/value
 * head k, v [b, t, 1, dh], keys after `position` masked out. The shared head is dropped by a reshape so
 * that the scores are one batched matmul [b, 1, h, t] with no head dim on the cache side: sharding the
 * query heads then leaves the cache whole, and sharding the batch splits both.
 */
function multiQueryAttention(b: ProgramBuilder, q: ValueId, k: ValueId, v: ValueId, position: ValueId, dh: number): ValueId {
  const [bs, s, h] = b.shape(q);
  const t = b.shape(k)[1];
  const k3 = b.reshape(k, [bs, t, dh]);
  const v3 = b.reshape(v, [bs, t, dh]);
  const scores = scale(b, b.dot(q, k3, { lhsBatch: [0], rhsBatch: [0], lhsContract: [3], rhsContract: [2] }), 1 / Math.sqrt(dh));
  const visible = b.compare(b.iota([t], 0), b.broadcast(position, [t], []), 'LE');
  const masked = b.select(b.broadcast(visible, [bs, s, h, t], [3]), scores, b.full(scores, -1e9));
  const probs = softmax(b, masked);
  // [b, 1, h, t] × [b, t, dh] → [b, 1, h, dh]
  return b.dot(probs, v3, { lhsBatch: [0], rhsBatch: [0], lhsContract: [3], rhsContract: [1] });
}
