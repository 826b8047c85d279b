/**
 * What a tactic dropped on a graph node means: "partition this value". Pure helpers for the drop
 * popover: the value's dimensions and which of them an axis can tile, the default axis for a tactic,
 * a name that says what the new tactic does, and a warning when the same preset already uses the axis.
 */
import { callFor } from './tacticText';

export interface DimChoice {
  dim: number;
  size: number;
  /** Axes already tiling this dimension (from the sharded type, `2048@model`). */
  axes: string[];
  /** Why the chosen axis cannot tile it, or null. */
  problem: string | null;
}

/** Dimensions of a sharded type such as `bf16[64@batch, 2048, 4096@model]`, checked against an axis. */
export function dimChoices(shardedType: string, axis: { name: string; size: number }): DimChoice[] {
  const m = /\[([^\]]*)\]/.exec(shardedType);
  if (!m || m[1].trim() === '') return [];
  return m[1].split(',').map((part, dim) => {
    const [sizeText, ...axes] = part.trim().split('@');
    const size = Number(sizeText);
    const problem = axes.includes(axis.name) ? `already tiled on ${axis.name}`
      : size % axis.size !== 0 ? `${size} is not a multiple of ${axis.name}'s ${axis.size} devices` : null;
    return { dim, size, axes, problem };
  });
}

/** Data-parallel presets go on the first mesh axis (the data axis by convention), model-parallel ones on the last. */
export function defaultAxisFor(tactic: string, axes: readonly string[]): string {
  if (axes.length === 0) return 'batch';
  const dataLike = tactic === 'BatchParallel' || tactic === 'ZeRO' || tactic === 'EdgeShard' || tactic === 'NodeShard';
  return dataLike ? axes[0] : axes[axes.length - 1];
}

const SHORT: Record<string, string> = {
  BatchParallel: 'BP', Megatron: 'MP', ZeRO: 'Z3', SequenceParallel: 'SP', EmbeddingShard: 'EMB', GQAMegatron: 'GQA',
  MultiQuery: 'MQ', ExpertParallel: 'EP', EdgeShard: 'ES', NodeShard: 'NS',
};

/** A tactic name that says what it does, not yet defined in `text`: `MP_model`, `w_in_model`, `w_in_model2`. */
export function tacticName(text: string, tactic: string, axis: string, path: string | null): string {
  const what = tactic === 'ManualPartition' ? (path ? path.slice(path.lastIndexOf('/') + 1) : 'params') : (SHORT[tactic] ?? tactic);
  const base = `${what}_${axis}`.replace(/[^A-Za-z0-9_]/g, '_').replace(/^(\d)/, '_$1');
  const defined = new Set<string>();
  for (const m of text.matchAll(/^\s*([A-Za-z_]\w*)\s*=/gm)) defined.add(m[1]);
  if (!defined.has(base)) return base;
  let k = 2;
  while (defined.has(`${base}${k}`)) k++;
  return `${base}${k}`;
}

/** A warning when `tactic` on `axis` is already in the text (a second Megatron on the same axis is an error). */
export function duplicateWarning(text: string, tactic: string, axis: string): string | null {
  if (tactic === 'ManualPartition') return null;
  const re = new RegExp(`\\b${tactic}\\s*\\([^)]*axis\\s*=\\s*"${axis.replace(/[^\w]/g, '')}"`);
  return re.test(text) ? `${tactic} on "${axis}" is already in the tactics: a second one would repeat it` : null;
}

/** The call to insert: a preset on an axis, or ManualPartition of one value on a dimension (or its largest). */
export function dropCall(tactic: string, axis: string, path: string | null, dim: number | 'largest'): string {
  if (tactic !== 'ManualPartition' || dim === 'largest') return callFor(tactic, axis, path);
  const glob = path ?? 'params/**';
  return `ManualPartition(inputs={${JSON.stringify(glob)}: ${dim}}, axis=${JSON.stringify(axis)})`;
}
