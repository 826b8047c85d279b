/**
 * Zoo params → builder configs, checked. A zoo entry's schema (paramSpecs.ts) and its builder's config
 * type are written separately; each table here lists every field of one config with its JS type, and
 * the compiler checks the table against the type (a field missing here or of another type does not
 * compile). `configFrom` then checks validated params against the table, so a config field the schema
 * does not provide is reported by name instead of reaching the builder as `undefined`.
 */
import type { ChinchillaConfig } from './chinchilla';
import type { DecodeConfig } from './decode';
import type { GnsConfig } from './gns';
import type { LlamaConfig } from './llama';
import type { MlpConfig } from './mlp';
import type { MoeConfig } from './moe';
import type { DecoderOptions, TrainingOptions } from './stepParts';
import type { TransformerConfig } from './transformer';
import type { UnetConfig } from './unet';

type ParamValue = number | string | boolean;

type FieldKind<T> = T extends number ? 'number' : T extends string ? 'string' : T extends boolean ? 'boolean' : never;

/** Every field of config `C`, with the JS type of its value. */
export type ConfigFields<C> = { readonly [K in keyof C]-?: FieldKind<NonNullable<C[K]>> };

/** The builder config `C` read from validated params; throws (a bug in the zoo entry, not a user error) when one is missing. */
export function configFrom<C>(entry: string, params: Readonly<Record<string, ParamValue>>, fields: ConfigFields<C>): C {
  const out: Record<string, ParamValue> = {};
  for (const [name, kind] of Object.entries(fields) as [string, string][]) {
    const v = params[name];
    if (typeof v !== kind) {
      throw new Error(`zoo entry "${entry}": its builder needs a ${kind} parameter "${name}", its schema gives ${v === undefined ? 'none' : `a ${typeof v}`}`);
    }
    out[name] = v;
  }
  // Every field of C was checked above against the table the compiler checked against C.
  return out as C;
}

const TRAINING: ConfigFields<TrainingOptions> = { optimizer: 'string', precision: 'string', learningRate: 'number', mode: 'string' };
const DECODER: ConfigFields<DecoderOptions> = { ...TRAINING, remat: 'string' };

export const MLP_FIELDS: ConfigFields<MlpConfig> = { ...TRAINING, layers: 'number', dModel: 'number', dHidden: 'number', batch: 'number' };

export const TRANSFORMER_FIELDS: ConfigFields<TransformerConfig> = {
  ...DECODER, layers: 'number', dModel: 'number', heads: 'number', dFF: 'number', seq: 'number', vocab: 'number',
  batch: 'number', tiedEmbeddings: 'boolean', attention: 'string',
};

export const CHINCHILLA_FIELDS: ConfigFields<ChinchillaConfig> = {
  ...DECODER, layers: 'number', dModel: 'number', heads: 'number', dFF: 'number', seq: 'number', vocab: 'number',
  batch: 'number',
};

export const DECODE_FIELDS: ConfigFields<DecodeConfig> = {
  layers: 'number', dModel: 'number', heads: 'number', dFF: 'number', cacheLen: 'number', vocab: 'number',
  batch: 'number', precision: 'string',
};

export const LLAMA_FIELDS: ConfigFields<LlamaConfig> = {
  ...DECODER, layers: 'number', dModel: 'number', heads: 'number', kvHeads: 'number', dFF: 'number', seq: 'number',
  vocab: 'number', batch: 'number',
};

export const MOE_FIELDS: ConfigFields<MoeConfig> = {
  ...DECODER, layers: 'number', dModel: 'number', heads: 'number', dFF: 'number', experts: 'number', topK: 'number',
  capacityFactor: 'number', auxLoss: 'number', groupSize: 'number', seq: 'number', vocab: 'number', batch: 'number',
};

export const UNET_FIELDS: ConfigFields<UnetConfig> = {
  ...TRAINING, batch: 'number', size: 'number', channels: 'number', base: 'number', levels: 'number', resBlocks: 'number',
  heads: 'number', groups: 'number', timesteps: 'number',
};

export const GNS_FIELDS: ConfigFields<GnsConfig> = {
  ...TRAINING, graphs: 'number', nodes: 'number', edges: 'number', nodeIn: 'number', edgeIn: 'number', latent: 'number',
  hidden: 'number', mlpLayers: 'number', steps: 'number', out: 'number',
};
