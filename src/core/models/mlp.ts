/**
 * `mlp`: a regression MLP trained with mean squared error. Layer i maps dModel → dHidden on even i and
 * dHidden → dModel on odd i; the last layer always maps back to dModel so that the prediction matches
 * `batch/y` (with an odd layer count it is dModel → dModel). GELU between layers, none after the last.
 */
import { ProgramBuilder } from '../ir/builder';
import type { Program, ValueId } from '../ir/types';
import { dense, gelu, meanSquaredError } from './layers';
import { computeDtype } from './optimizer';
import { finishStep, optimizerStateFor, type TrainingOptions } from './stepParts';

export interface MlpConfig extends TrainingOptions {
  readonly layers: number;
  readonly dModel: number;
  readonly dHidden: number;
  readonly batch: number;
}

/** [dIn, dOut] of layer i. */
export function mlpLayerDims(c: Pick<MlpConfig, 'layers' | 'dModel' | 'dHidden'>, i: number): [number, number] {
  const dIn = i % 2 === 0 ? c.dModel : c.dHidden;
  const dOut = i === c.layers - 1 || i % 2 === 1 ? c.dModel : c.dHidden;
  return [dIn, dOut];
}

export function buildMlp(c: MlpConfig): Program {
  const b = new ProgramBuilder('mlp');
  const dt = computeDtype(c.precision);
  const params: ValueId[] = [];
  const layers: { w: ValueId; bias: ValueId }[] = [];
  for (let i = 0; i < c.layers; i++) {
    const [dIn, dOut] = mlpLayerDims(c, i);
    const w = b.input(`params/layer_${i}/w`, { shape: [dIn, dOut], dtype: dt });
    const bias = b.input(`params/layer_${i}/b`, { shape: [dOut], dtype: dt });
    params.push(w, bias);
    layers.push({ w, bias });
  }
  const state = optimizerStateFor(b, params, c);
  const x = b.input('batch/x', { shape: [c.batch, c.dModel], dtype: dt });
  const y = b.input('batch/y', { shape: [c.batch, c.dModel], dtype: dt });

  let h = x;
  layers.forEach((l, i) => b.scoped(`layer_${i}`, () => {
    if (b.values[h].name === undefined) b.setName(h, `layer_${i}/x`);
    h = dense(b, h, l.w, l.bias);
    if (i < c.layers - 1) h = b.setName(gelu(b, h), `layer_${i}/hidden`);
  }));
  b.setName(h, 'prediction');
  const loss = b.scoped('loss', () => b.convert(meanSquaredError(b, h, y), 'f32'));
  finishStep(b, loss, params, state, { value: h, name: 'prediction' });
  return b.build();
}
