/**
 * Runs a schedule's automatic entries in place: each AutomaticPartition searches with the tactics
 * before it (manual, imported, earlier automatic results) fixed, and its chosen ManualPartitions take
 * its place for the tactics after it.
 */
import type { Diagnostic } from '../errors';
import type { Program } from '../ir/types';
import type { Hardware } from '../mesh/hardware';
import type { Mesh } from '../mesh/mesh';
import type { AutoJson } from '../report';
import type { ScheduleEntry } from '../tactics/resolve';
import type { AutomaticTacticAst, ResolvedTactic } from '../tactics/types';
import { searchPartition, type SearchProgress, type SearchResult } from './search';

export interface AutoRunOptions {
  readonly overlap?: boolean;
  /** Progress of the search of the named automatic tactic, with its best so far. */
  readonly onProgress?: (tactic: string, p: SearchProgress) => void;
  /** When true the running search stops and its best so far is used. */
  readonly shouldStop?: () => boolean;
  /** Default budget (simulations) when the tactic gives none. */
  readonly budget?: number;
  /**
   * What identifies the program, mesh and hardware (e.g. the config without its tactics). When given,
   * finished searches are remembered under it with their fixed tactics and arguments: the search is
   * deterministic, so an edit after the AutomaticPartition does not search again.
   */
  readonly cacheKey?: string;
}

/** Finished searches, most recent last. */
const MEMO = new Map<string, SearchResult>();
const MEMO_SIZE = 8;

function memoKey(base: string, prefix: readonly ResolvedTactic[], ast: AutomaticTacticAst, budget: number | undefined, overlap: boolean | undefined): string {
  const fixed = prefix.map((t) => [t.name, t.axis, t.seeds.map((s) => [s.value, s.dim, s.pick ?? ''])]);
  return JSON.stringify([base, fixed, ast.name, ast.axes, ast.objective, ast.memoryLimit ?? null, ast.budget ?? budget ?? null, ast.seed ?? null, overlap ?? true]);
}

export function runSchedule(
  program: Program, mesh: Mesh, hardware: Hardware, fixed: readonly ResolvedTactic[], entries: readonly ScheduleEntry[], opts: AutoRunOptions = {},
): { tactics: ResolvedTactic[]; auto: AutoJson[]; results: SearchResult[]; diagnostics: Diagnostic[] } {
  const tactics = [...fixed];
  const auto: AutoJson[] = [];
  const results: SearchResult[] = [];
  const diagnostics: Diagnostic[] = [];
  for (const e of entries) {
    if (e.kind === 'manual') {
      tactics.push(e.tactic);
      continue;
    }
    const ast = e.ast;
    const key = opts.cacheKey === undefined ? undefined : memoKey(opts.cacheKey, tactics, ast, opts.budget, opts.overlap);
    const known = key === undefined ? undefined : MEMO.get(key);
    const r = known ?? searchPartition({
      program, mesh, hardware, prefix: tactics, axes: ast.axes, name: ast.name, range: ast.range,
      objective: ast.objective, memoryLimit: ast.memoryLimit, budget: ast.budget ?? opts.budget, seed: ast.seed,
      overlap: opts.overlap, shouldStop: opts.shouldStop, onProgress: opts.onProgress && ((p) => opts.onProgress?.(ast.name, p)),
    });
    if (key !== undefined && !known && r.stats.stopped !== 'stopped') {
      MEMO.set(key, r);
      const oldest = MEMO.keys().next();
      if (MEMO.size > MEMO_SIZE && !oldest.done) MEMO.delete(oldest.value);
    }
    tactics.push(...r.tactics);
    results.push(r);
    auto.push(autoJson(ast, r));
    diagnostics.push(...autoDiagnostics(ast, r));
  }
  return { tactics, auto, results, diagnostics };
}

export function autoJson(ast: AutomaticTacticAst, r: SearchResult): AutoJson {
  return {
    tactic: ast.name,
    axes: [...r.axes],
    objective: r.objective,
    memoryLimit: r.memoryLimit,
    text: r.text,
    names: [...r.names],
    chosen: r.actions.map((a) => ({ axis: a.axis, glob: a.glob, dim: a.dim })),
    baseline: { step: r.baseline.step, peak: r.baseline.peak },
    best: { step: r.best.step, peak: r.best.peak },
    feasible: r.feasible,
    simulations: r.stats.simulations,
    budget: r.budget,
    seed: ast.seed ?? 0,
    seconds: r.stats.seconds,
    stopped: r.stats.stopped,
    log: r.log.map((l) => ({ simulation: l.simulation, seconds: l.seconds, step: l.step, peak: l.peak, bestStep: l.bestStep, bestPeak: l.bestPeak })),
  };
}

const gib = (b: number) => `${(b / 2 ** 30).toFixed(2)} GiB`;

/** What the editor shows on the AutomaticPartition: its choice, and a warning when it does not fit. */
function autoDiagnostics(ast: AutomaticTacticAst, r: SearchResult): Diagnostic[] {
  const out: Diagnostic[] = [];
  if (!r.feasible) {
    out.push({
      code: 'auto-over-memory', severity: 'warning', range: ast.range,
      message: `${ast.name}: no strategy on ${r.axes.join(', ')} found within ${gib(r.memoryLimit)} per device; the best uses ${gib(r.best.peak)}`,
    });
  }
  if (!r.actions.length) {
    out.push({
      code: 'auto-nothing-better', severity: 'warning', range: ast.range,
      message: `${ast.name}: no partitioning on ${r.axes.join(', ')} improved on the tactics before it (${r.stats.simulations} candidates simulated)`,
    });
  }
  return out;
}
