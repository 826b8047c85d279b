/**
 * Builders of the zoo's parameter schemas (ParamSpec), shared by zoo.ts and families.ts so that a
 * parameter that two entries both take (the training options, the GPT-style decoder's shape) is
 * declared once, with one description, and validated the same way.
 */
import { UserError } from '../errors';
import type { ParamSpec, ResolvedParams } from './zoo';

export const int = (name: string, def: number, min: number, description: string): ParamSpec =>
  ({ name, kind: 'number', default: def, min, integer: true, description });
export const real = (name: string, def: number, min: number, description: string): ParamSpec =>
  ({ name, kind: 'number', default: def, min, integer: false, description });
export const choice = (name: string, def: string, values: readonly string[], description: string): ParamSpec =>
  ({ name, kind: 'string', default: def, values, description });

/** The options of every trainable step: mode, optimizer, precision and learning rate. */
export function trainingParams(defaults: { precision?: 'fp32' | 'mixed'; learningRate?: number } = {}): ParamSpec[] {
  return [
    choice('mode', 'train', ['train', 'infer'], 'train: forward, backward and optimizer; infer: forward only'),
    choice('optimizer', 'adam', ['adam', 'sgd'], 'Adam (with bias correction) or plain SGD'),
    choice('precision', defaults.precision ?? 'fp32', ['fp32', 'mixed'], 'mixed: bf16 params, activations and grads with f32 master weights and moments'),
    real('learningRate', defaults.learningRate ?? 1e-3, 0, 'learning rate'),
  ];
}

/** Rematerialisation of decoder blocks: none, `full` (whole blocks) or `selective` (the attention core). */
export const rematParam = (def: 'none' | 'full' | 'selective'): ParamSpec =>
  choice('remat', def, ['none', 'full', 'selective'], 'full: recompute each block in the backward pass, keeping only block inputs; selective: recompute only the attention core (scores, softmax, their product with V)');

/**
 * The dims every decoder of the zoo takes, each with its bounds and description in one place; the
 * defaults (and, where the entry means something more specific, the description) vary by entry.
 */
export const decoderDims = {
  layers: (def: number): ParamSpec => int('layers', def, 1, 'decoder blocks'),
  dModel: (def: number): ParamSpec => int('dModel', def, 1, 'model width'),
  heads: (def: number, description = 'attention heads (must divide dModel)'): ParamSpec => int('heads', def, 1, description),
  dFF: (def: number, description = 'MLP hidden width'): ParamSpec => int('dFF', def, 1, description),
  seq: (def: number, description = 'sequence length'): ParamSpec => int('seq', def, 1, description),
  vocab: (def: number): ParamSpec => int('vocab', def, 2, 'vocabulary size'),
  batch: (def: number, description = 'sequences per step'): ParamSpec => int('batch', def, 1, description),
};

/** The schema of the GPT-style `transformer` step (the zoo's `transformer`, the paper's T32 / T48). */
export function transformerParams(d: {
  layers: number; dModel: number; heads: number; dFF: number; seq: number; vocab: number; batch: number;
  remat: 'none' | 'full' | 'selective'; attention: 'standard' | 'flash'; precision: 'fp32' | 'mixed'; learningRate: number;
}): ParamSpec[] {
  return [
    decoderDims.layers(d.layers), decoderDims.dModel(d.dModel), decoderDims.heads(d.heads), decoderDims.dFF(d.dFF),
    decoderDims.seq(d.seq), decoderDims.vocab(d.vocab), decoderDims.batch(d.batch),
    { name: 'tiedEmbeddings', kind: 'boolean', default: true, description: 'logits use the token embedding transposed instead of params/unembed' },
    rematParam(d.remat),
    choice('attention', d.attention, ['standard', 'flash'], 'standard: materialised scores; flash: one fused attention op'),
    ...trainingParams({ precision: d.precision, learningRate: d.learningRate }),
  ];
}

/** A resolved number parameter. */
export const num = (p: ResolvedParams, k: string): number => p[k] as number;

/** Throws a UserError on `a` unless it divides `b` (e.g. heads must divide dModel). */
export function divides(p: ResolvedParams, a: string, b: string): void {
  if (num(p, b) % num(p, a) !== 0)
    throw new UserError('model', `${a} (${num(p, a)}) must divide ${b} (${num(p, b)})`, { where: `model.params.${a}` });
}

/** Throws a UserError on `a` if it exceeds `b` (e.g. topK cannot exceed experts). */
export function atMost(p: ResolvedParams, a: string, b: string): void {
  if (num(p, a) > num(p, b))
    throw new UserError('model', `${a} (${num(p, a)}) cannot exceed ${b} (${num(p, b)})`, { where: `model.params.${a}` });
}
