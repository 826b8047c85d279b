/**
 * Test harness (used by the gallery and family tests only): a gallery entry shrunk to shapes the
 * SPMD interpreter can run, on a small mesh with the same axis names, partitioned, lowered and
 * verified against the reference interpreter.
 */
import type { Config, ModelParams } from '../io/config';
import { verifySpmd, type VerifyResult } from '../interp/verify';
import type { Mesh } from '../mesh/mesh';
import { partition } from '../partition';
import { listCollectives, type CollectiveInfo } from '../spmd/collectives';
import { lower } from '../spmd/lower';
import { resolveTactics } from '../tactics';
import { buildZooModel } from './zoo';

/** Per zoo model, overrides that make it small: every dim still divisible by 2 twice (2×2×2 meshes). */
export const SMALL_PARAMS: Readonly<Record<string, ModelParams>> = {
  t32: { layers: 2, dModel: 16, heads: 4, dFF: 32, seq: 8, vocab: 32, batch: 8, precision: 'fp32', learningRate: 1e-3 },
  t48: { layers: 2, dModel: 16, heads: 4, dFF: 32, seq: 8, vocab: 32, batch: 8, precision: 'fp32', learningRate: 1e-3 },
  'transformer-decode': { layers: 2, dModel: 16, heads: 4, dFF: 32, cacheLen: 8, vocab: 32, batch: 8, precision: 'fp32' },
  llama: { layers: 2, dModel: 16, heads: 4, kvHeads: 2, dFF: 24, seq: 8, vocab: 32, batch: 8, precision: 'fp32', remat: 'none' },
  moe: { layers: 2, dModel: 16, heads: 4, dFF: 16, experts: 4, topK: 2, groupSize: 4, seq: 8, vocab: 32, batch: 4, precision: 'fp32' },
  unet: { batch: 8, size: 4, channels: 2, base: 4, levels: 2, resBlocks: 1, heads: 2, groups: 2, timesteps: 8, precision: 'fp32' },
  gns: { graphs: 2, nodes: 16, edges: 32, nodeIn: 3, edgeIn: 2, latent: 8, hidden: 8, mlpLayers: 2, steps: 2, out: 2, precision: 'fp32' },
};

export interface Proof {
  readonly verify: VerifyResult;
  readonly collectives: CollectiveInfo[];
  readonly conflicts: number;
  readonly diagnostics: string[];
}

/** Partitions, lowers and verifies `tactics` on the small version of `zoo` over `mesh`. */
export function prove(zoo: string, tactics: string, mesh: Mesh, params: ModelParams = {}): Proof {
  const program = buildZooModel(zoo, { ...SMALL_PARAMS[zoo], ...params });
  const resolved = resolveTactics(tactics, program, mesh);
  const result = partition(program, mesh, resolved.tactics);
  const spmd = lower(result, { checkTypes: true });
  return {
    verify: verifySpmd(spmd),
    collectives: listCollectives(spmd),
    conflicts: result.stages.reduce((n, s) => n + s.conflicts.length, 0),
    diagnostics: resolved.diagnostics.filter((d) => d.severity === 'error').map((d) => d.message),
  };
}

/** A config's mesh with every axis of size 2 (2×2 for the gallery's batch×model). */
export const smallMesh = (config: Config): Mesh => ({ axes: config.mesh.axes.map((a) => ({ name: a.name, size: 2 })) });

export function zooOf(config: Config): string {
  if (!('zoo' in config.model)) throw new Error('gallery entries are zoo models');
  return config.model.zoo;
}
