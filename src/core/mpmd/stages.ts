/**
 * The split of a training step into pipeline chunks and micro-batch parts.
 *
 * Chunks: the layers (`layer_<i>` scopes) are cut into `chunks` consecutive runs (stages × virtual); the
 * forward ops before the first layer (the embedding) go to the first chunk and those after the last layer
 * (final norm, unembedding, loss) to the last. A backward op belongs to the chunk of the forward op it
 * differentiates (autodiff gives it that op's scope). Ops with no scope of their own (the optimizer) follow
 * their operands: a parameter's update runs where the parameter is used first. Ops that read only program
 * inputs and such ops (the optimizer's step counter) are shared: every stage computes its own copy.
 *
 * Parts: `micro` ops (forward and backward ops that depend on a batch input) run once per micro-batch;
 * `pre` ops (no batch dependence, before the optimizer: casts, constants) run once before; `post` ops (the
 * optimizer phase) run once after, on the gradients averaged over the micro-batches.
 */
import { UserError } from '../errors';
import type { Program } from '../ir/types';

const LAYER = /^layer_(\d+)(?:\/|$)/;
const REMAT_SUFFIX = /(^|\/)remat$/;

export const PRE = 0;
export const MICRO = 1;
export const POST = 2;
export type PartKind = typeof PRE | typeof MICRO | typeof POST;

export const layerOf = (scope: string): number | undefined => {
  const m = LAYER.exec(scope);
  return m ? Number(m[1]) : undefined;
};

/** Number of layers: one more than the largest `layer_<i>` scope index (0 when there is none). */
export function layerCount(p: Program): number {
  let n = 0;
  for (const op of p.ops) {
    const l = layerOf(op.scope);
    if (l !== undefined && l + 1 > n) n = l + 1;
  }
  return n;
}

/**
 * Layers of each of `chunks` model chunks: `given` when present, else as even as possible with the
 * remainder on the middle chunks (the first holds the embedding, the last the loss).
 */
export function layersPerChunk(layers: number, chunks: number, given?: readonly number[]): number[] {
  if (given) return [...given];
  const base = Math.floor(layers / chunks);
  const rem = layers % chunks;
  const out = new Array<number>(chunks).fill(base);
  const order = chunks > 2 ? [...Array.from({ length: chunks - 2 }, (_, i) => i + 1), 0, chunks - 1] : Array.from({ length: chunks }, (_, i) => i);
  for (let k = 0; k < rem; k++) out[order[k]] += 1;
  return out;
}

export interface StepParts {
  readonly chunks: number;
  /** Per op: its chunk, or -1 when shared by every stage. */
  readonly chunkOf: Int32Array;
  /** Per op: PRE, MICRO or POST. */
  readonly part: Uint8Array;
  /** Per program input: the chunk that uses it first (-1: only shared ops read it). */
  readonly inputHome: Int32Array;
  /** Per chunk: its layers [first, end). */
  readonly layerRanges: readonly (readonly [number, number])[];
}

/** Splits the global program `p` into `chunks` chunks and micro-batch parts (see the module comment). */
export function splitStep(p: Program, chunks: number, layersGiven?: readonly number[]): StepParts {
  const layers = layerCount(p);
  const per = layersPerChunk(layers, chunks, layersGiven);
  const chunkOfLayer: number[] = [];
  const layerRanges: [number, number][] = [];
  per.forEach((n, c) => {
    layerRanges.push([chunkOfLayer.length, chunkOfLayer.length + n]);
    for (let i = 0; i < n; i++) chunkOfLayer.push(c);
  });
  const last = chunks - 1;
  const nOps = p.ops.length;
  const chunkOf = new Int32Array(nOps).fill(-2); // -2: not decided yet
  const scopeChunk = new Map<string, number>();
  let seenLayer = false;
  for (const op of p.ops) {
    if (op.phase !== 'forward') continue;
    const l = layerOf(op.scope);
    if (l !== undefined) {
      seenLayer = true;
      chunkOf[op.id] = chunkOfLayer[l] ?? last;
    } else {
      chunkOf[op.id] = seenLayer ? last : 0;
      const key = op.scope.replace(REMAT_SUFFIX, '');
      if (!scopeChunk.has(key)) scopeChunk.set(key, chunkOf[op.id]);
    }
  }
  for (const op of p.ops) {
    if (op.phase !== 'backward') continue;
    const l = layerOf(op.scope);
    if (l !== undefined) chunkOf[op.id] = chunkOfLayer[l] ?? last;
    else {
      const c = scopeChunk.get(op.scope.replace(REMAT_SUFFIX, ''));
      if (c !== undefined && op.scope !== '') chunkOf[op.id] = c;
    }
  }

  // Micro-batch parts: batch dependence flows forward through the program.
  const batchDep = new Uint8Array(p.values.length);
  for (const v of p.inputs) if (p.values[v].name?.startsWith('batch/')) batchDep[v] = 1;
  const part = new Uint8Array(nOps);
  const postValue = new Uint8Array(p.values.length);
  for (const op of p.ops) {
    let dep = 0, afterPost = 0;
    for (const v of op.operands) {
      dep |= batchDep[v];
      afterPost |= postValue[v];
    }
    const k: PartKind = op.phase === 'optimizer' || afterPost ? POST : dep ? MICRO : PRE;
    part[op.id] = k;
    for (const r of op.results) {
      batchDep[r] = dep;
      postValue[r] = k === POST ? 1 : 0;
    }
  }

  // Inputs live where they are first used; the rest follows its operands.
  const inputHome = new Int32Array(p.inputs.length).fill(-1);
  const inputIndex = new Int32Array(p.values.length).fill(-1);
  p.inputs.forEach((v, i) => { inputIndex[v] = i; });
  for (const op of p.ops) {
    if (chunkOf[op.id] < 0) continue;
    for (const v of op.operands) {
      const i = inputIndex[v];
      if (i >= 0 && inputHome[i] < 0) inputHome[i] = chunkOf[op.id];
    }
  }
  const chunkOfValue = (v: number): number => {
    const def = p.values[v].def;
    return def >= 0 ? chunkOf[def] : inputHome[inputIndex[v]];
  };
  for (const op of p.ops) {
    if (chunkOf[op.id] !== -2) continue;
    let c = -1;
    for (const v of op.operands) c = Math.max(c, chunkOfValue(v));
    // a per-micro-batch op must run on a stage; one that reads nothing staged goes with the loss
    chunkOf[op.id] = c < 0 && part[op.id] === MICRO ? last : c;
  }
  for (const op of p.ops) {
    if (part[op.id] !== MICRO) continue;
    for (const v of op.operands) {
      if (postValue[v]) throw new UserError('pipeline', `cannot micro-batch this step: ${op.kind} in "${op.scope}" reads a value computed after the gradients`);
    }
  }
  return { chunks, chunkOf, part, inputHome, layerRanges };
}
