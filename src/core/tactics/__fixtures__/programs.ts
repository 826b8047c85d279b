import { ProgramBuilder } from '../../ir/builder';
import type { Program } from '../../ir/types';

/**
 * Small programs with zoo-convention paths, for resolver tests (the zoo itself is built elsewhere).
 * Shapes are chosen so divisibility tests have something to bite on.
 */
export interface TinyTransformerDims {
  layers: number; batch: number; seq: number; d: number; heads: number; dh: number; ff: number; vocab: number;
  untied?: boolean;
}

export const TINY: TinyTransformerDims = { layers: 2, batch: 8, seq: 16, d: 32, heads: 4, dh: 8, ff: 64, vocab: 128, untied: true };

export function tinyTransformer(dims: TinyTransformerDims = TINY): Program {
  const { layers, batch, seq, d, heads, dh, ff, vocab } = dims;
  const b = new ProgramBuilder('tiny-transformer');
  const f32 = (...shape: number[]) => ({ shape, dtype: 'f32' as const });
  const tokens = b.input('batch/tokens', { shape: [batch, seq], dtype: 'i32' });
  b.input('batch/targets', { shape: [batch, seq], dtype: 'i32' });
  const params: { path: string; shape: number[] }[] = [];
  const param = (path: string, ...shape: number[]) => {
    params.push({ path, shape });
    return b.input(`params/${path}`, f32(...shape));
  };
  const embed = param('embed/tokens', vocab, d);
  param('embed/positions', seq, d);
  let x = b.scoped('embed', () => b.emit1('gather', [embed, tokens], { axis: 0 }));
  for (let i = 0; i < layers; i++) {
    b.setName(x, `layer_${i}/x`);
    const ln1 = param(`layer_${i}/ln1/scale`, d);
    param(`layer_${i}/ln1/bias`, d);
    for (const w of ['wq', 'wk', 'wv']) param(`layer_${i}/attn/${w}`, d, heads, dh);
    for (const w of ['bq', 'bk', 'bv']) param(`layer_${i}/attn/${w}`, heads, dh);
    param(`layer_${i}/attn/wo`, heads, dh, d);
    param(`layer_${i}/attn/bo`, d);
    const ln2 = param(`layer_${i}/ln2/scale`, d);
    param(`layer_${i}/ln2/bias`, d);
    const wIn = param(`layer_${i}/mlp/w_in`, d, ff);
    param(`layer_${i}/mlp/b_in`, ff);
    const wOut = param(`layer_${i}/mlp/w_out`, ff, d);
    param(`layer_${i}/mlp/b_out`, d);
    const h1 = b.scoped(`layer_${i}/ln1`, () => b.setName(b.mul(x, b.broadcastTo(ln1, [batch, seq, d])), `layer_${i}/ln1/out`));
    const h2 = b.scoped(`layer_${i}/ln2`, () => b.setName(b.mul(h1, b.broadcastTo(ln2, [batch, seq, d])), `layer_${i}/ln2/out`));
    x = b.scoped(`layer_${i}/mlp`, () => {
      const hidden = b.setName(b.dot(h2, wIn, { lhsBatch: [], rhsBatch: [], lhsContract: [2], rhsContract: [0] }), `layer_${i}/mlp/hidden`);
      const out = b.setName(b.dot(hidden, wOut, { lhsBatch: [], rhsBatch: [], lhsContract: [2], rhsContract: [0] }), `layer_${i}/mlp/out`);
      return b.add(x, out);
    });
  }
  param('final_ln/scale', d);
  param('final_ln/bias', d);
  if (dims.untied) param('unembed', d, vocab);
  const loss = b.scoped('loss', () => b.sum(x, [0, 1, 2]));
  b.output(loss, 'loss');
  // Gradients and Adam state mirror the params (ZeRO selects them by these names).
  b.inPhase('backward', () => {
    for (const p of params) {
      const v = b.values.find((val) => val.name === `params/${p.path}`)!.id;
      b.setRole(b.setName(b.mul(v, v), `grads/${p.path}`), 'gradient');
    }
  });
  for (const p of params) {
    b.input(`opt_state/mu/${p.path}`, f32(...p.shape));
    b.input(`opt_state/nu/${p.path}`, f32(...p.shape));
  }
  b.input('opt_state/count', f32());
  return b.build();
}

/** The mlp zoo entry: dims alternate dModel → dHidden → dModel. */
export function tinyMlp(layers = 4, batch = 8, dModel = 16, dHidden = 32): Program {
  const b = new ProgramBuilder('tiny-mlp');
  let x = b.input('batch/x', { shape: [batch, dModel], dtype: 'f32' });
  const y = b.input('batch/y', { shape: [batch, dModel], dtype: 'f32' });
  for (let i = 0; i < layers; i++) {
    const [din, dout] = i % 2 === 0 ? [dModel, dHidden] : [dHidden, dModel];
    const w = b.input(`params/layer_${i}/w`, { shape: [din, dout], dtype: 'f32' });
    const bias = b.input(`params/layer_${i}/b`, { shape: [dout], dtype: 'f32' });
    x = b.scoped(`layer_${i}`, () => b.add(b.dot(x, w, { lhsBatch: [], rhsBatch: [], lhsContract: [1], rhsContract: [0] }), b.broadcastTo(bias, [batch, dout])));
  }
  const diff = b.sub(x, y);
  b.output(b.sum(b.mul(diff, diff), [0, 1]), 'loss');
  return b.build();
}
