/**
 * Published memory figures the simulator is checked against (`npm run validate`, the memory table of the
 * README's "Validation"; the cases and their sources are in validation/memory/): what each figure counts
 * and how the simulator's counterpart is measured. docs/cost-model.md states the formulas and their sources.
 */
import { UserError } from '../errors';
import { validateConfig } from '../io/validate';
import type { Program } from '../ir/types';
import { runPipeline } from '../pipeline';
import type { MemoryAnalysis } from './memory';
import { CAT_ACTIVATIONS, analyzeMemory } from './memory';

/**
 * Korthikanti et al. 2022 ("Reducing Activation Recomputation in Large Transformer Models", Table 2):
 * activation bytes one transformer layer keeps for the backward pass, 16-bit activations, with s the
 * sequence length, b the micro-batch, h the width, a the heads and t the tensor-parallel size:
 * - tensor parallel, selective recomputation (the attention scores recomputed): s·b·h·(10 + 24/t);
 * - tensor + sequence parallel, selective recomputation: s·b·h·34/t;
 * - full recomputation: 2·s·b·h (only the layer input).
 * The rows without recomputation add the scores (5·a·s²·b/t), 3 of whose 5 bytes are dropout mask and
 * output; the zoo has no dropout, so those rows are not comparable and are not cases.
 */
export type ActivationFormula = 'tp-selective' | 'tp-sp-selective' | 'full';
export interface LayerDims {
  readonly s: number;
  readonly b: number;
  readonly h: number;
  readonly t: number;
}

export function korthikantiLayerBytes(formula: ActivationFormula, d: LayerDims): number {
  const sbh = d.s * d.b * d.h;
  if (formula === 'tp-selective') return sbh * (10 + 24 / d.t);
  if (formula === 'tp-sp-selective') return (sbh * 34) / d.t;
  return 2 * sbh;
}

/**
 * Bytes the backward pass keeps from one layer's forward pass (values in scope `layer_<layer>` or below,
 * of category activations, at their allocated size: a reshape view counts nothing). Take a middle layer:
 * the first one's input is the embedding's output.
 */
export function layerActivationBytes(p: Program, m: MemoryAnalysis, layer: number): number {
  const scope = `layer_${layer}`;
  let bytes = 0;
  for (const v of p.values) {
    if (m.category[v.id] !== CAT_ACTIVATIONS || v.def < 0) continue;
    const sc = p.ops[v.def].scope;
    if (sc === scope || sc.startsWith(scope + '/')) bytes += m.bytes[v.id];
  }
  return bytes;
}

/** A published memory figure and the run that reproduces it (one JSON file of validation/memory/). */
export interface MemoryCase {
  readonly id: string;
  readonly title: string;
  readonly source: string;
  /**
   * layer-activations: Korthikanti's per-layer bytes (`formula`), against layerActivationBytes of layer 1,
   * with the case's whole mesh as the tensor-parallel group; model-state: `publishedGB` (1e9 bytes) against
   * parameters + gradients + optimizer state per device.
   */
  readonly measure: 'layer-activations' | 'model-state';
  readonly formula?: ActivationFormula;
  readonly publishedGB?: number;
  /** False when the figure counts something the simulator lowers differently by design (excluded from the band). */
  readonly comparable?: boolean;
  readonly note?: string;
  readonly config: unknown;
}

/** A memory row of the validation table: published and simulated bytes. */
export interface MemoryRow {
  readonly id: string;
  readonly title: string;
  readonly source: string;
  readonly published: number;
  readonly simulated: number;
  /** simulated / published − 1. */
  readonly error: number;
  readonly comparable: boolean;
  readonly note?: string;
}

export function memoryRow(c: Omit<MemoryRow, 'error'>): MemoryRow {
  return { ...c, error: c.simulated / c.published - 1 };
}

/** Runs a memory case through the whole pipeline and measures what its figure counts. */
export function evaluateMemoryCase(c: MemoryCase): MemoryRow {
  const config = validateConfig(c.config);
  const { report, spmd } = runPipeline(config);
  const errors = report.diagnostics.filter((d) => d.severity === 'error');
  if (errors.length > 0) throw new UserError('config', `${c.id}: ${errors[0].message}`);
  const base = { id: c.id, title: c.title, source: c.source, comparable: c.comparable ?? true, note: c.note };
  if (c.measure === 'model-state') {
    if (c.publishedGB === undefined) throw new UserError('config', `${c.id}: a model-state case needs "publishedGB"`);
    const ms = report.memory.perDevice[0].modelState;
    return memoryRow({ ...base, published: c.publishedGB * 1e9, simulated: ms.params + ms.gradients + ms.optimizer });
  }
  if (c.formula === undefined || !('zoo' in config.model)) throw new UserError('config', `${c.id}: a layer-activations case needs "formula" and a zoo model`);
  const params = config.model.params ?? {};
  const num = (k: string): number => {
    const v = params[k];
    if (typeof v !== 'number') throw new UserError('config', `${c.id}: model.params.${k} must be given`);
    return v;
  };
  const t = config.mesh.axes.reduce((n, a) => n * a.size, 1);
  const dims = { s: num('seq'), b: num('batch'), h: num('dModel'), t };
  const p = spmd.program;
  return memoryRow({ ...base, published: korthikantiLayerBytes(c.formula, dims), simulated: layerActivationBytes(p, analyzeMemory(p), 1) });
}
