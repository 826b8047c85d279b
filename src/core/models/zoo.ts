/**
 * The model zoo: named builders of whole steps, each with a parameter schema that drives validation
 * (here) and the model picker (UI). `buildZooModel(name, params)` is what the pipeline calls.
 */
import { UserError } from '../errors';
import { configFrom, MLP_FIELDS, TRANSFORMER_FIELDS } from './configFields';
import type { ModelParams } from '../io/config';
import type { Program } from '../ir/types';
import { buildMlp, type MlpConfig } from './mlp';
import { buildTransformer, type TransformerConfig } from './transformer';
import { familyZoo } from './families';
import { divides, int, trainingParams, transformerParams } from './paramSpecs';

export type ParamValue = number | string | boolean;

export interface ParamSpec {
  readonly name: string;
  readonly kind: 'number' | 'string' | 'boolean';
  readonly default: ParamValue;
  /** Allowed values of a string parameter. */
  readonly values?: readonly string[];
  /** Smallest allowed value of a number parameter. */
  readonly min?: number;
  /** Number parameters are integers unless this is false. */
  readonly integer?: boolean;
  readonly description: string;
}

export type ResolvedParams = Record<string, ParamValue>;

export interface ZooEntry {
  readonly name: string;
  readonly description: string;
  readonly params: readonly ParamSpec[];
  /** Builds the step from validated params (every schema param present; see `resolveParams`). */
  build(params: ResolvedParams): Program;
}

const mlp: ZooEntry = {
  name: 'mlp',
  description: 'Regression MLP (GELU, mean squared error); layers alternate dModel → dHidden → dModel.',
  params: [
    int('layers', 2, 1, 'number of dense layers'),
    int('dModel', 64, 1, 'input and output width'),
    int('dHidden', 256, 1, 'hidden width'),
    int('batch', 8, 1, 'examples per step'),
    ...trainingParams(),
  ],
  build: (p) => buildMlp(configFrom<MlpConfig>('mlp', p, MLP_FIELDS)),
};

const transformer: ZooEntry = {
  name: 'transformer',
  description: 'GPT-style decoder: pre-LayerNorm blocks of causal multi-head attention and a GELU MLP, softmax cross-entropy.',
  params: transformerParams({
    layers: 2, dModel: 64, heads: 4, dFF: 256, seq: 16, vocab: 128, batch: 8,
    remat: 'none', attention: 'standard', precision: 'fp32', learningRate: 1e-3,
  }),
  build: (p) => {
    divides(p, 'heads', 'dModel');
    return buildTransformer(configFrom<TransformerConfig>('transformer', p, TRANSFORMER_FIELDS));
  },
};

export const ZOO: readonly ZooEntry[] = [mlp, transformer, ...familyZoo(resolveParams)];

export function zooEntry(name: string): ZooEntry {
  const e = ZOO.find((z) => z.name === name);
  if (!e) throw new UserError('model', `unknown zoo model "${name}"; known: ${ZOO.map((z) => z.name).join(', ')}`, { where: 'model.zoo' });
  return e;
}

/** Checks `params` against the entry's schema and fills in defaults. Throws UserError naming the field. */
export function resolveParams(entry: ZooEntry, params: ModelParams = {}): ResolvedParams {
  const out: ResolvedParams = {};
  for (const key of Object.keys(params)) {
    if (!entry.params.some((s) => s.name === key))
      throw new UserError('model', `${entry.name} has no parameter "${key}"; it takes ${entry.params.map((s) => s.name).join(', ')}`, { where: `model.params.${key}` });
  }
  for (const s of entry.params) {
    const v = params[s.name] ?? s.default;
    const where = `model.params.${s.name}`;
    if (typeof v !== s.kind) throw new UserError('model', `${s.name} must be a ${s.kind}, got ${JSON.stringify(v)}`, { where });
    if (s.kind === 'number') {
      const n = v as number;
      if (!Number.isFinite(n)) throw new UserError('model', `${s.name} must be a finite number, got ${n}`, { where });
      if (s.integer !== false && !Number.isInteger(n)) throw new UserError('model', `${s.name} must be an integer, got ${n}`, { where });
      if (s.min !== undefined && n < s.min) throw new UserError('model', `${s.name} must be at least ${s.min}, got ${n}`, { where });
    }
    if (s.values && !s.values.includes(v as string))
      throw new UserError('model', `${s.name} must be one of ${s.values.join(', ')}, got "${v}"`, { where });
    out[s.name] = v;
  }
  return out;
}

/** Validates the params and builds the named zoo model's step. */
export function buildZooModel(name: string, params?: ModelParams): Program {
  const entry = zooEntry(name);
  return entry.build(resolveParams(entry, params));
}
