/**
 * AutomaticPartition's search: which groups of values to tile on which dims of the given axes, after
 * the fixed manual tactics, with the simulator as the cost.
 *
 * Why greedy with random restarts rather than MCTS (as Automap did): one evaluation lowers and
 * simulates the whole step (about 0.3 s for an 8-layer transformer), so a budget is tens of
 * evaluations, far too few for tree statistics to mean much. The costs are close to additive over
 * actions on different parts of the model (attention vs MLP vs embedding), and many actions propagate
 * to the same layout (the cache makes those free), so: (1) screen every action alone, (2) add the
 * improving ones best-first, keeping each that helps, (3) restart step 2 in seeded random orders to
 * escape the orders where an early choice blocks a better pair, (4) drop actions that change nothing,
 * so the result reads like a strategy a person would write. All randomness comes from the seed, and
 * the budget counts simulations, so a run is deterministic for a seed.
 */
import { UserError } from '../errors';
import { partition } from '../partition/schedule';
import { mulberry32, shuffle } from '../rng';
import type { ManualTacticAst, ResolvedTactic } from '../tactics/types';
import { covers, enumerateActions, type Action } from './actions';
import { better, Evaluator, type AutoProblem, type Cost, type Evaluation, type Measure, type Objective } from './evaluate';
import { formatTactics } from './format';

export interface SearchOptions extends AutoProblem {
  /** Per-device bytes the result must fit in; default: the device's memory capacity. */
  readonly memoryLimit?: number;
  /** How many candidates may be lowered and simulated (cache hits are free). Default 64. */
  readonly budget?: number;
  readonly seed?: number;
  readonly overlap?: boolean;
  /** Wall-clock cap in seconds, on top of the budget (makes the result depend on the machine's speed). */
  readonly timeLimit?: number;
  /** Called after every simulated candidate, with the best so far. */
  readonly onProgress?: (p: SearchProgress) => void;
  /** Checked between candidates: when true the search stops and returns the best so far. */
  readonly shouldStop?: () => boolean;
}

export interface SearchProgress {
  readonly phase: SearchPhase;
  readonly simulations: number;
  readonly budget: number;
  readonly seconds: number;
  readonly best: { readonly text: string; readonly step: number; readonly peak: number; readonly feasible: boolean };
}

export type SearchPhase = 'screen' | 'greedy' | 'restart' | 'simplify';

export interface SearchLogEntry {
  /** 1-based count of simulations so far. */
  readonly simulation: number;
  readonly seconds: number;
  readonly phase: SearchPhase;
  /** The candidate's actions as `axis|glob|dim` ids. */
  readonly actions: readonly string[];
  readonly step: number;
  readonly peak: number;
  /** The best so far after this candidate. */
  readonly bestStep: number;
  readonly bestPeak: number;
}

export interface SearchResult {
  readonly name: string;
  readonly axes: readonly string[];
  readonly objective: Objective;
  readonly memoryLimit: number;
  readonly budget: number;
  readonly actions: readonly Action[];
  /** The chosen tactics as text to paste in place of the AutomaticPartition ("make manual"). */
  readonly text: string;
  /** Their names, in the order they replace the automatic tactic in `schedule`. */
  readonly names: readonly string[];
  readonly asts: readonly ManualTacticAst[];
  /** What the pipeline runs in place of the AutomaticPartition. */
  readonly tactics: readonly ResolvedTactic[];
  /** The fixed tactics alone, and with the chosen ones. */
  readonly baseline: Measure;
  readonly best: Measure;
  readonly feasible: boolean;
  readonly log: readonly SearchLogEntry[];
  readonly stats: {
    readonly actions: number;
    readonly simulations: number;
    readonly partitions: number;
    readonly seconds: number;
    /** Why the search ended. */
    readonly stopped: 'converged' | 'budget' | 'time' | 'stopped';
  };
}

const DEFAULT_BUDGET = 64;
/** Restarts that find nothing better before the search calls itself converged. */
const PATIENCE = 2;
/** Partition-only evaluations (cache hits) allowed per simulation of the budget. */
const PARTITIONS_PER_SIMULATION = 12;
/** The share of the budget that screening single actions may use, so that combining them gets the rest. */
const SCREEN_SHARE = 0.6;

class Stop extends Error {
  constructor(readonly why: 'budget' | 'time' | 'stopped') {
    super(why);
  }
}

// Core is typed without DOM or Node globals (tsconfig.core.json): the host's clock is read off globalThis.
const clock = (globalThis as { performance?: { now(): number } }).performance;
const now = (): number => (clock !== undefined ? clock.now() : Date.now());

export function searchPartition(o: SearchOptions): SearchResult {
  const t0 = now();
  const budget = Math.max(1, o.budget ?? DEFAULT_BUDGET);
  const limit = o.memoryLimit ?? o.hardware.figures.hbmBytes;
  const ev = new Evaluator({
    program: o.program, mesh: o.mesh, hardware: o.hardware, prefix: o.prefix, axes: o.axes,
    name: o.name, range: o.range, objective: o.objective, memoryLimit: limit, overlap: o.overlap ?? true,
  });
  const rng = mulberry32(o.seed ?? 0);
  const log: SearchLogEntry[] = [];
  const seconds = () => (now() - t0) / 1000;
  const feasible = (c: Cost) => c[0] === 0;

  let phase: SearchPhase = 'screen';
  const baseline = ev.evaluate([]);
  if (!baseline.measure) throw new UserError('tactic', `${o.name}: the tactics before it do not partition: ${baseline.rejected ?? ''}`, { range: o.range });
  let best: Evaluation = baseline;

  const consider = (e: Evaluation): void => {
    if (better(e.cost, best.cost) || (!better(best.cost, e.cost) && e.key === best.key && e.actions.length < best.actions.length)) best = e;
  };
  /** Evaluates a candidate within the budget; throws Stop when a limit is reached. */
  const evaluate = (actions: readonly Action[]): Evaluation => {
    if (o.shouldStop?.()) throw new Stop('stopped');
    if (o.timeLimit !== undefined && seconds() > o.timeLimit) throw new Stop('time');
    if (ev.partitions >= (budget + 1) * PARTITIONS_PER_SIMULATION) throw new Stop('budget');
    // The baseline is simulation 0; the budget counts the candidates after it.
    const e = ev.evaluate(actions, ev.simulations <= budget);
    if (e.unsimulated) throw new Stop('budget');
    consider(e);
    if (e.simulated && e.measure) {
      log.push({
        simulation: ev.simulations - 1, seconds: seconds(), phase, actions: actions.map((a) => a.id),
        step: e.measure.step, peak: e.measure.peak, bestStep: best.measure?.step ?? NaN, bestPeak: best.measure?.peak ?? NaN,
      });
      o.onProgress?.({
        phase, simulations: ev.simulations - 1, budget, seconds: seconds(),
        best: { text: textOf(best.actions), step: best.measure?.step ?? NaN, peak: best.measure?.peak ?? NaN, feasible: feasible(best.cost) },
      });
    }
    return e;
  };
  const textOf = (actions: readonly Action[]) => formatTactics(ev.tactics(actions).asts);

  const base = partition(o.program, o.mesh, o.prefix);
  const actions = enumerateActions(o.program, o.mesh, o.axes, base);
  let stopped: SearchResult['stats']['stopped'] = 'converged';
  try {
    // 1. Screen: every action alone; of those that propagate to the same layout, keep the first.
    const singles: Evaluation[] = [];
    const seen = new Set<string>([baseline.key]);
    const screenBudget = Math.ceil(SCREEN_SHARE * budget);
    for (const a of actions) {
      if (ev.simulations > screenBudget) break;
      const e = evaluate([a]);
      if (!e.measure || seen.has(e.key)) continue;
      seen.add(e.key);
      singles.push(e);
    }
    // 2. Greedy: improving actions best-first, then the rest (an action may help only next to another).
    const ranked = singles
      .map((e, i) => ({ e, i }))
      .sort((x, y) => (better(x.e.cost, y.e.cost) ? -1 : better(y.e.cost, x.e.cost) ? 1 : x.i - y.i))
      .map((x) => x.e.actions[0]);
    const improving = ranked.filter((a) => better(singles.find((e) => e.actions[0] === a)?.cost ?? baseline.cost, baseline.cost));
    const others = ranked.filter((a) => !improving.includes(a));
    phase = 'greedy';
    climb([...improving, ...others]);
    // 3. Restarts (iterated local search): drop one or two random actions of the best and climb again
    //    over the improving actions in a seeded random order, to escape an order where an early choice
    //    blocked a better pair.
    phase = 'restart';
    for (let misses = 0; misses < PATIENCE && improving.length > 1; ) {
      const before = best.cost;
      const drop = new Set(shuffle(best.actions, rng).slice(0, 1 + Math.floor(rng() * 2)));
      const kept = best.actions.filter((a) => !drop.has(a));
      const start = evaluate(kept);
      climb(shuffle(improving.filter((a) => !kept.includes(a)), rng), start.measure ? start : baseline);
      misses = better(best.cost, before) ? 0 : misses + 1;
    }
  } catch (e) {
    if (!(e instanceof Stop)) throw e;
    stopped = e.why;
  }
  // 4. Simplify: drop every action the best does not need (same layout, or no worse). Partition-only
  //    when the layout is unchanged, so it runs even when the budget is spent.
  phase = 'simplify';
  best = simplify(best, (a) => {
    try {
      return evaluate(a);
    } catch (e) {
      if (!(e instanceof Stop)) throw e;
      return stopped === 'stopped' || e.why === 'stopped' ? undefined : ev.evaluate(a, false);
    }
  });

  function climb(order: readonly Action[], from: Evaluation = baseline): void {
    let cur = from;
    for (const a of order) {
      if (cur.actions.some((f) => covers(f, a))) continue; // a family already seeds this group
      const e = evaluate([...cur.actions, a]);
      if (e.measure && better(e.cost, cur.cost)) cur = e;
    }
  }

  const chosen = best.actions;
  const t = ev.tactics(chosen);
  return {
    name: o.name, axes: o.axes, objective: o.objective, memoryLimit: limit, budget,
    actions: chosen, text: formatTactics(t.asts), names: t.asts.map((x) => x.name), asts: t.asts, tactics: t.tactics,
    baseline: baseline.measure, best: best.measure ?? baseline.measure, feasible: feasible(best.cost), log,
    stats: { actions: actions.length, simulations: Math.max(0, ev.simulations - 1), partitions: ev.partitions, seconds: seconds(), stopped },
  };
}

/**
 * Removes actions one at a time (last first) while the candidate stays as good. Once the budget is
 * spent `evaluate` still answers for layouts already simulated (an action that propagation made
 * redundant leaves the layout unchanged).
 */
function simplify(best: Evaluation, evaluate: (a: readonly Action[]) => Evaluation | undefined): Evaluation {
  let cur = best;
  for (let i = cur.actions.length - 1; i >= 0; i--) {
    const e = evaluate(cur.actions.filter((_, j) => j !== i));
    if (e?.measure && !better(cur.cost, e.cost)) cur = e;
  }
  return cur;
}
