/**
 * Zoo entries of the paper's model families (PartIR §7 and the common successors): the T32 and T48
 * training transformers, IT32-style decoding with multi-query attention, Llama, a mixture of experts,
 * a diffusion UNet and a Graph Network Simulator. zoo.ts lists them after its own entries. The
 * `t32` / `t48` defaults are paper-scale; the others default to shapes small enough to interpret.
 */
import { UserError } from '../errors';
import { buildChinchilla } from './chinchilla';
import { CHINCHILLA_FIELDS, configFrom, DECODE_FIELDS, GNS_FIELDS, LLAMA_FIELDS, MOE_FIELDS, UNET_FIELDS } from './configFields';
import { buildDecode, type DecodeConfig } from './decode';
import { buildGns, type GnsConfig } from './gns';
import { buildLlama, type LlamaConfig } from './llama';
import { buildMoe, type MoeConfig } from './moe';
import { buildUnet, type UnetConfig } from './unet';
import type { ModelParams } from '../io/config';
import type { Program } from '../ir/types';
import { atMost, choice, decoderDims as dim, divides, int, num as n, real, rematParam, trainingParams } from './paramSpecs';
import type { ParamSpec, ResolvedParams, ZooEntry } from './zoo';

/** A zoo entry whose builder takes params already checked against its schema. */
interface FamilySpec {
  readonly name: string;
  readonly description: string;
  readonly params: readonly ParamSpec[];
  buildResolved(params: ResolvedParams): Program;
}

function evenHead(p: ResolvedParams): void {
  if ((n(p, 'dModel') / n(p, 'heads')) % 2 !== 0)
    throw new UserError('model', `rotary embeddings need an even head width; dModel / heads = ${n(p, 'dModel') / n(p, 'heads')}`, { where: 'model.params.heads' });
}

/**
 * T32 / T48 as the paper describes them (chinchilla.ts): 9 parameter tensors per block plus the tied
 * embedding, so T32 has the paper's 289. The paper gives depth, width, heads, batch and vocabulary;
 * the FFN width (2·d, gated), sequence length (2048) and precision (bf16 with f32 Adam state) are ours,
 * chosen so the sizes come to the paper's "5B" and "32B". No rematerialisation (the paper switched
 * XLA's off).
 */
function paperTransformer(name: string, layers: number, dModel: number, heads: number, batch: number, description: string): FamilySpec {
  return {
    name,
    description,
    params: [
      dim.layers(layers), dim.dModel(dModel), dim.heads(heads), dim.dFF(2 * dModel, 'GeGLU hidden width (dense_up is [2, dModel, dFF])'),
      dim.seq(2048), dim.vocab(32000), dim.batch(batch),
      rematParam('none'),
      ...trainingParams({ precision: 'mixed', learningRate: 1e-4 }),
    ],
    buildResolved: (p) => {
      divides(p, 'heads', 'dModel');
      evenHead(p);
      return buildChinchilla(configFrom(name, p, CHINCHILLA_FIELDS));
    },
  };
}

const t32 = paperTransformer('t32', 32, 4096, 32, 48,
  'The paper\'s T32: a Chinchilla-style decoder training step, 32 layers, d_model 4096, 32 heads, batch 48, vocab 32k; 9 parameter tensors per block + the tied embedding (289); GeGLU dFF = 2·d, seq 2048 (our choices): 5.5B parameters.');
const t48 = paperTransformer('t48', 48, 8192, 64, 64,
  'The paper\'s T48: T32 scaled to 48 layers, d_model 8192, 64 heads, batch 64, vocab 32k; GeGLU dFF = 2·d, seq 2048 (our choices): 32.5B parameters.');

const decode: FamilySpec = {
  name: 'transformer-decode',
  description: 'One sampling step of a decoder with multi-query attention (the paper\'s IT32): a KV cache per layer as input, updated at the position.',
  params: [
    dim.layers(2),
    dim.dModel(64),
    dim.heads(4, 'query heads (must divide dModel); one key/value head serves them all'),
    dim.dFF(256),
    int('cacheLen', 16, 1, 'KV cache length (positions)'),
    dim.vocab(128),
    dim.batch(8, 'sequences decoded together'),
    choice('precision', 'fp32', ['fp32', 'mixed'], 'mixed: bf16 params, activations and cache'),
  ],
  buildResolved: (p) => {
    divides(p, 'heads', 'dModel');
    return buildDecode(configFrom<DecodeConfig>('transformer-decode', p, DECODE_FIELDS));
  },
};

const llama: FamilySpec = {
  name: 'llama',
  description: 'Llama-style decoder: RMSNorm, SwiGLU MLP, rotary position embeddings, grouped-query attention, untied unembedding.',
  params: [
    dim.layers(2),
    dim.dModel(64),
    dim.heads(4, 'query heads (must divide dModel)'),
    int('kvHeads', 2, 1, 'key/value heads (must divide heads; 1 is multi-query)'),
    dim.dFF(192, 'SwiGLU hidden width'),
    dim.seq(16),
    dim.vocab(128),
    dim.batch(8),
    rematParam('none'),
    ...trainingParams(),
  ],
  buildResolved: (p) => {
    divides(p, 'heads', 'dModel');
    divides(p, 'kvHeads', 'heads');
    evenHead(p);
    return buildLlama(configFrom<LlamaConfig>('llama', p, LLAMA_FIELDS));
  },
};

const moe: FamilySpec = {
  name: 'moe',
  description: 'Mixture-of-experts decoder: every MLP is a top-k routed set of experts (GShard/Switch dispatch and combine, load-balancing loss).',
  params: [
    dim.layers(2),
    dim.dModel(64),
    dim.heads(4),
    dim.dFF(128, 'expert hidden width'),
    int('experts', 4, 1, 'experts per layer'),
    int('topK', 2, 1, 'experts each token is sent to'),
    real('capacityFactor', 1.25, 0, 'slots per expert and group: ceil(capacityFactor · topK · groupSize / experts)'),
    real('auxLoss', 0.01, 0, 'weight of the load-balancing loss'),
    int('groupSize', 0, 0, 'tokens per routing group (divides seq); 0: one group per sequence'),
    dim.seq(16, 'sequence length (one routing group)'),
    dim.vocab(128),
    dim.batch(8),
    rematParam('none'),
    ...trainingParams(),
  ],
  buildResolved: (p) => {
    divides(p, 'heads', 'dModel');
    if (n(p, 'groupSize') > 0) divides(p, 'groupSize', 'seq');
    atMost(p, 'topK', 'experts');
    return buildMoe(configFrom<MoeConfig>('moe', p, MOE_FIELDS));
  },
};

const unet: FamilySpec = {
  name: 'unet',
  description: 'Diffusion UNet (noise prediction) in DDPM\'s layout: per level residual conv blocks with GroupNorm and a timestep embedding (resBlocks down, resBlocks + 1 up, each up block concatenating a skip), strided down-sampling, nearest up-sampling + conv, a middle of two residual blocks around multi-head attention.',
  params: [
    int('batch', 4, 1, 'images per step'),
    int('size', 8, 2, 'image height and width (divisible by 2^(levels − 1))'),
    int('channels', 3, 1, 'image channels'),
    int('base', 8, 1, 'channels at the top level (level l has base·2^l)'),
    int('levels', 2, 1, 'resolution levels'),
    int('resBlocks', 1, 1, 'residual blocks per level down (one more up)'),
    int('heads', 2, 1, 'heads of the middle attention (must divide base·2^(levels − 1))'),
    int('groups', 2, 1, 'GroupNorm groups (must divide base)'),
    int('timesteps', 100, 1, 'diffusion timesteps (rows of the timestep table)'),
    ...trainingParams(),
  ],
  buildResolved: (p) => {
    divides(p, 'groups', 'base');
    const steps = 2 ** (n(p, 'levels') - 1);
    if (n(p, 'size') % steps !== 0)
      throw new UserError('model', `size (${n(p, 'size')}) must be divisible by 2^(levels − 1) (${steps})`, { where: 'model.params.size' });
    const lowest = n(p, 'base') * steps;
    if (lowest % n(p, 'heads') !== 0)
      throw new UserError('model', `heads (${n(p, 'heads')}) must divide the lowest level's channels (base·2^(levels − 1) = ${lowest})`, { where: 'model.params.heads' });
    return buildUnet(configFrom<UnetConfig>('unet', p, UNET_FIELDS));
  },
};

const gns: FamilySpec = {
  name: 'gns',
  description: 'Graph Network Simulator (molecular property prediction, jraph-style encode–process–decode): GraphNetwork blocks with edge, node and global MLP updates (gathers per edge, scatter-add sums into nodes and graphs, residuals), a per-graph readout; a batch of graphs is one big graph.',
  params: [
    int('graphs', 2, 1, 'graphs per batch (per-graph targets)'),
    int('nodes', 16, 1, 'nodes over all graphs of the batch'),
    int('edges', 48, 1, 'edges over all graphs of the batch'),
    int('nodeIn', 6, 1, 'input node features'),
    int('edgeIn', 3, 1, 'input edge features'),
    int('latent', 16, 1, 'latent width: every MLP\'s output'),
    int('hidden', 16, 1, 'hidden width of every MLP'),
    int('mlpLayers', 2, 1, 'linear layers per MLP'),
    int('steps', 2, 1, 'message-passing steps'),
    int('out', 2, 1, 'output features per graph'),
    ...trainingParams(),
  ],
  buildResolved: (p) => {
    atMost(p, 'graphs', 'nodes');
    return buildGns(configFrom<GnsConfig>('gns', p, GNS_FIELDS));
  },
};

const FAMILIES: readonly FamilySpec[] = [t32, t48, decode, llama, moe, unet, gns];

/**
 * The family entries, validating through zoo.ts's `resolveParams` (passed in rather than imported,
 * so that zoo.ts and this module do not import each other at load time).
 */
export function familyZoo(resolve: (entry: ZooEntry, params?: ModelParams) => ResolvedParams): ZooEntry[] {
  return FAMILIES.map((f) => {
    const entry: ZooEntry = {
      name: f.name,
      description: f.description,
      params: f.params,
      build: (params?: ModelParams): Program => f.buildResolved(resolve(entry, params)),
    };
    return entry;
  });
}
