/**
 * Pieces that every zoo step builder repeats around its model: the `params/...` inputs collected for
 * the optimizer, the optimizer state (training only), and the ending that either trains (gradients,
 * update, loss) or outputs the prediction and the loss (inference).
 */
import type { ProgramBuilder } from '../ir/builder';
import type { DType, ValueId } from '../ir/types';
import type { RematSegment } from './autodiff';
import { declareOptimizerState, type OptimizerKind, type OptimizerState, type Precision } from './optimizer';
import { finishTrainingStep } from './step';

/** The options of every trainable zoo step (the schema's `trainingParams`). */
export interface TrainingOptions {
  readonly optimizer: OptimizerKind;
  readonly precision: Precision;
  readonly learningRate: number;
  readonly mode: 'train' | 'infer';
}

/** A trainable decoder's options: the training ones and block rematerialisation. */
export interface DecoderOptions extends TrainingOptions {
  /**
   * `full`: each block's forward is recomputed in the backward pass, so only block inputs stay live;
   * `selective`: only each block's attention core (scores, softmax, their product with V) is recomputed.
   */
  readonly remat: RematMode;
}

/**
 * `param(path, shape)` declares the input `params/<path>` at dtype `dt` and appends it to `params`,
 * so that `params` lists the parameters in declaration order (the optimizer's order).
 */
export function paramInputs(b: ProgramBuilder, dt: DType): { params: ValueId[]; param: (path: string, shape: number[]) => ValueId } {
  const params: ValueId[] = [];
  const param = (path: string, shape: number[]): ValueId => {
    const v = b.input(`params/${path}`, { shape, dtype: dt });
    params.push(v);
    return v;
  };
  return { params, param };
}

/** The optimizer state inputs of a training step; undefined for inference. */
export function optimizerStateFor(b: ProgramBuilder, params: readonly ValueId[], c: TrainingOptions): OptimizerState | undefined {
  return c.mode === 'train'
    ? declareOptimizerState(b, params, { kind: c.optimizer, precision: c.precision, learningRate: c.learningRate })
    : undefined;
}

/**
 * The step's outputs. Training (a state): gradients, the optimizer update, the loss. Inference: the
 * prediction under `name`, then the loss.
 */
export function finishStep(
  b: ProgramBuilder, loss: ValueId, params: readonly ValueId[], state: OptimizerState | undefined,
  prediction: { value: ValueId; name: string }, remat: readonly RematSegment[] = [],
): void {
  if (state) finishTrainingStep(b, loss, params, state, remat);
  else {
    b.output(prediction.value, prediction.name);
    b.output(loss, 'loss');
  }
}

/**
 * The params of `count` layers: `declare` gets a `param` that prefixes `layer_{i}/`, so the layers'
 * inputs are declared layer by layer, in the zoo's order.
 */
export function declareLayers<T>(
  param: (path: string, shape: number[]) => ValueId, count: number,
  declare: (p: (name: string, shape: number[]) => ValueId, i: number) => T,
): T[] {
  return Array.from({ length: count }, (_, i) => declare((name, shape) => param(`layer_${i}/${name}`, shape), i));
}

export type RematMode = 'none' | 'full' | 'selective';

/**
 * Runs `block` once per layer on the residual stream, naming each block's input `layer_{i}/x`; with
 * `remat: 'full'` each block's ops form a segment that the backward pass recomputes, with `'selective'`
 * only its attention core (Korthikanti et al. 2022: the part whose activations grow with the sequence
 * squared and cost few FLOPs to recompute).
 */
export function stackLayers<T>(
  b: ProgramBuilder, x: ValueId, layers: readonly T[], remat: RematMode, block: (x: ValueId, layer: T, i: number) => ValueId,
): { x: ValueId; remat: RematSegment[] } {
  const segments: RematSegment[] = [];
  layers.forEach((layer, i) => {
    b.setName(x, `layer_${i}/x`);
    const start = b.ops.length;
    x = block(x, layer, i);
    if (remat === 'full') segments.push({ start, end: b.ops.length });
    if (remat === 'selective') {
      const core = attentionCore(b, `layer_${i}`, start, b.ops.length);
      if (core) segments.push(core);
    }
  });
  return { x, remat: segments };
}

/**
 * The attention core of block `s` among ops [start, end): from after the last of its q, k, v projections
 * (named `<s>/attn/q|k|v`) to the op whose result the output projection reads (the first matmul after
 * them). Undefined when the block has no such named projections.
 */
function attentionCore(b: ProgramBuilder, s: string, start: number, end: number): RematSegment | undefined {
  const names = new Set([`${s}/attn/q`, `${s}/attn/k`, `${s}/attn/v`]);
  let afterQkv = -1;
  for (let i = start; i < end; i++) if (b.ops[i].results.some((r) => names.has(b.values[r].name ?? ''))) afterQkv = i + 1;
  if (afterQkv < 0) return undefined;
  for (let i = afterQkv; i < end; i++) {
    const op = b.ops[i];
    // the output projection: a matmul with a parameter; the core ends with what it reads
    if (op.kind === 'dot_general' && op.operands.some((v) => b.values[v].role === 'param')) {
      return i > afterQkv ? { start: afterQkv, end: i } : undefined;
    }
  }
  return undefined;
}
