/**
 * Test harness (used by the spmd tests only): a small transformer training step partitioned by a
 * tactic text and lowered, with its collectives.
 */
import { buildZooModel } from '../models/zoo';
import type { ModelParams } from '../io/config';
import type { Mesh } from '../mesh/mesh';
import { partition } from '../partition';
import { resolveTactics } from '../tactics';
import { listCollectives, type CollectiveInfo } from './collectives';
import { lower } from './lower';

export const SMALL_TRANSFORMER: ModelParams = { layers: 2, dModel: 16, heads: 4, dFF: 32, seq: 8, vocab: 32, batch: 4 };

export const mesh = (spec: Record<string, number>): Mesh => ({ axes: Object.entries(spec).map(([name, size]) => ({ name, size })) });

export function lowerZoo(tactics: string, m: Mesh, params: ModelParams = SMALL_TRANSFORMER, zoo = 'transformer') {
  const program = buildZooModel(zoo, params);
  const resolved = resolveTactics(tactics, program, m);
  if (resolved.tactics.length === 0 && tactics.trim() !== '')
    throw new Error(`no tactics resolved: ${resolved.diagnostics.map((d) => d.message).join('; ')}`);
  const result = partition(program, m, resolved.tactics);
  const spmd = lower(result, { checkTypes: true });
  return { program, result, spmd, collectives: listCollectives(spmd) };
}

/** Collectives matching a filter, e.g. `pick(cs, { phase: 'forward', kind: 'all-reduce', axes: 'model' })`. */
export function pick(cs: readonly CollectiveInfo[], f: { phase?: string; kind?: string; axes?: string; scope?: RegExp }): CollectiveInfo[] {
  return cs.filter((c) =>
    (f.phase === undefined || c.phase === f.phase)
    && (f.kind === undefined || c.kind === f.kind)
    && (f.axes === undefined || c.axes.join(',') === f.axes)
    && (f.scope === undefined || f.scope.test(c.scope)));
}

/** Paths of the parameter inputs (`params/...`). */
export const paramPaths = (p: ReturnType<typeof buildZooModel>): string[] =>
  p.inputs.map((v) => p.values[v].name ?? '').filter((n) => n.startsWith('params/'));

/** The zoo's name for a parameter's gradient: `params/x/y` → `grads/x/y`. */
export const gradName = (param: string): string => `grads/${param.slice('params/'.length)}`;
