/**
 * The cost of a candidate: the fixed tactics plus the candidate's actions (one ManualPartition per
 * axis, resolved exactly as their text would be), partitioned, lowered and simulated. Lowering only
 * reads the final shardings, so two candidates that propagate to the same shardings cost the same:
 * results are cached under a key of the shardings, and only a new layout pays for lowering and
 * simulation (partitioning is about a tenth of an evaluation; lowering dominates).
 */
import type { SourceRange } from '../errors';
import type { Program } from '../ir/types';
import type { Hardware } from '../mesh/hardware';
import type { Mesh } from '../mesh/mesh';
import { partition } from '../partition/schedule';
import type { PartitionResult, Sharding } from '../partition/types';
import type { TimeJson } from '../report';
import { simulate } from '../sim/simulate';
import { lower } from '../spmd/lower';
import { manualResolver } from '../tactics/resolve';
import type { ManualTacticAst, ResolvedTactic } from '../tactics/types';
import type { Action } from './actions';

export type Objective = 'time' | 'memory';

export interface Measure {
  /** Simulated step time, seconds. */
  readonly step: number;
  /** Peak bytes per device. */
  readonly peak: number;
  readonly time: TimeJson;
}

/**
 * Costs compare lexicographically: first bytes over the memory limit (0 when it fits), then the
 * objective (step time, or peak memory), then the other one as a tie-break.
 */
export type Cost = readonly [excess: number, primary: number, secondary: number];

export function costOf(m: Measure, objective: Objective, limit: number): Cost {
  const excess = Math.max(0, m.peak - limit);
  return objective === 'time' ? [excess, m.step, m.peak] : [excess, m.peak, m.step];
}

/** a < b, with a relative tolerance so that float noise does not count as progress. */
export function better(a: Cost, b: Cost, rel = 1e-9): boolean {
  for (let i = 0; i < 3; i++) {
    const tol = rel * Math.max(Math.abs(a[i]), Math.abs(b[i]));
    if (a[i] < b[i] - tol) return true;
    if (a[i] > b[i] + tol) return false;
  }
  return false;
}

export interface Evaluation {
  /** The candidate's actions, in the order they are written. */
  readonly actions: readonly Action[];
  /** Null when the candidate is rejected (an error resolving or partitioning it). */
  readonly measure: Measure | null;
  readonly cost: Cost;
  /** The shardings key, shared by candidates that propagate to the same layout. */
  readonly key: string;
  readonly rejected?: string;
  /** True when this candidate was lowered and simulated (not a cache hit). */
  readonly simulated: boolean;
  /** Conflicts in the candidate's own stages. */
  readonly conflicts?: number;
  /** A new layout that was not simulated because simulation was not allowed. */
  readonly unsimulated?: boolean;
}

/** What an automatic partition works on: shared by the search's options and the evaluator. */
export interface AutoProblem {
  readonly program: Program;
  readonly mesh: Mesh;
  readonly hardware: Hardware;
  /** The manual tactics before the automatic one; they stay fixed. */
  readonly prefix: readonly ResolvedTactic[];
  /** The axes the search may use, in the order its tactics are emitted. */
  readonly axes: readonly string[];
  /** Name of the automatic tactic; the emitted ones are `<name>_<axis>`. */
  readonly name: string;
  readonly range: SourceRange;
  readonly objective: Objective;
}

export interface EvaluatorInit extends AutoProblem {
  readonly memoryLimit: number;
  readonly overlap: boolean;
}

const REJECTED: Cost = [Infinity, Infinity, Infinity];

export class Evaluator {
  private readonly resolve: ReturnType<typeof manualResolver>;
  private readonly cache = new Map<string, Measure>();
  /** Candidates already partitioned, by their set of actions (restarts revisit the same sets). */
  private readonly bySet = new Map<string, Evaluation>();
  /** Lowered and simulated candidates (cache misses): what a budget counts. */
  simulations = 0;
  /** Every candidate partitioned, cache hits included. */
  partitions = 0;

  constructor(readonly init: EvaluatorInit) {
    this.resolve = manualResolver(init.program, init.mesh);
  }

  /** The manual tactics that `actions` stand for, one per axis that has actions, in `axes` order. */
  tactics(actions: readonly Action[]): { asts: ManualTacticAst[]; tactics: ResolvedTactic[]; error?: string } {
    const { axes, name, range, prefix } = this.init;
    const asts: ManualTacticAst[] = [];
    const tactics: ResolvedTactic[] = [];
    for (const axis of axes) {
      const mine = actions.filter((a) => a.axis === axis);
      if (!mine.length) continue;
      const ast: ManualTacticAst = {
        kind: 'manual', name: `${name}_${axis}`, axis, range,
        inputs: mine.map((a) => ({ glob: a.glob, dim: a.dim, range })),
      };
      const r = this.resolve(ast, [...prefix, ...tactics]);
      const err = r.diagnostics.find((d) => d.severity !== 'warning');
      if (err) return { asts, tactics, error: err.message };
      asts.push(ast);
      tactics.push(r.tactic);
    }
    return { asts, tactics };
  }

  partition(actions: readonly Action[]): { part: PartitionResult; tactics: ResolvedTactic[]; conflicts: number } | { error: string } {
    const t = this.tactics(actions);
    if (t.error !== undefined) return { error: t.error };
    const { program, mesh, prefix } = this.init;
    this.partitions++;
    let part: PartitionResult;
    try {
      part = partition(program, mesh, [...prefix, ...t.tactics]);
    } catch (e) {
      return { error: e instanceof Error ? e.message : String(e) };
    }
    // Conflicts are allowed: propagation stops there and the lowering reshards (ZeRO-3's parameters
    // meet the batch-tiled activations this way); the simulator prices it.
    const conflicts = part.stages.slice(prefix.length).reduce((n, s) => n + s.conflicts.length, 0);
    return { part, tactics: t.tactics, conflicts };
  }

  /**
   * Partitions the candidate and simulates it unless its layout was seen before. With `simulate` false a
   * new layout is not simulated: the result has `measure` null and `unsimulated` set.
   */
  evaluate(actions: readonly Action[], simulate = true): Evaluation {
    const setKey = actions.map((a) => a.id).sort().join('\n');
    const known = this.bySet.get(setKey);
    if (known) return { ...known, actions, simulated: false };
    const p = this.partition(actions);
    if ('error' in p) {
      const e: Evaluation = { actions, measure: null, cost: REJECTED, key: `rejected:${p.error}`, rejected: p.error, simulated: false };
      this.bySet.set(setKey, e);
      return e;
    }
    const key = shardingsKey(p.part.shardings);
    let measure = this.cache.get(key);
    const simulated = measure === undefined;
    if (measure === undefined) {
      if (!simulate) return { actions, measure: null, cost: REJECTED, key, simulated: false, unsimulated: true };
      measure = this.measure(p.part);
      this.cache.set(key, measure);
      this.simulations++;
    }
    const e: Evaluation = { actions, measure, cost: costOf(measure, this.init.objective, this.init.memoryLimit), key, simulated, conflicts: p.conflicts };
    this.bySet.set(setKey, { ...e, simulated: false });
    return e;
  }

  private measure(part: PartitionResult): Measure {
    const sim = simulate(lower(part), this.init.hardware, { overlap: this.init.overlap, donation: true, timelineDetail: 'scope' });
    const peak = Math.max(...sim.memory.perDevice.map((d) => d.peak));
    return { step: sim.time.step, peak, time: sim.time };
  }
}

/**
 * A key of every value's sharding. Shardings are interned per partition run, so equal layouts share
 * objects and their text is built once per distinct object.
 */
export function shardingsKey(shardings: readonly Sharding[]): string {
  const text = new Map<Sharding, string>();
  const parts: string[] = [];
  for (const s of shardings) {
    let t = text.get(s);
    if (t === undefined) {
      t = `${s.dims.map((a) => a.join('.')).join(',')}|${s.partial.join('.')}`;
      text.set(s, t);
    }
    parts.push(t);
  }
  return parts.join(';');
}
