/**
 * Config → Report: the one entry that the worker, the CLI and the tests call.
 * Stages: build the program, resolve the tactics, partition (propagation per tactic), lower to the
 * per-device program, simulate. Bad input is a UserError (config, model params, mesh) or a diagnostic
 * (tactic text) in the report; nothing here evaluates user text.
 */
import type { Diagnostic } from './errors';
import { UserError } from './errors';
import type { Config } from './io/config';
import type { Program, ValueId } from './ir/types';
import { resolveHardware } from './mesh/hardware';
import type { Mesh } from './mesh/mesh';
import { buildZooModel } from './models/zoo';
import { importForConfig } from './io/stablehlo/seeds';
import { jaxReport } from './io/stablehlo/shardy';
import { summarize } from './models/summary';
import { partition } from './partition/schedule';
import { axisShardingJson, formatAxisState } from './partition/sharding';
import { groupConflicts } from './partition/conflictGroups';
import type { PartitionResult, Sharding } from './partition/types';
import type { AxisShardingJson, CollectiveJson, ConflictJson, Report, StageJson } from './report';
import { simulate } from './sim/simulate';
import { analyzeMemory } from './sim/memory';
import { memoryProfile } from './sim/memoryProfile';
import { stepContributors } from './contributors';
import { listCollectives } from './spmd/collectives';
import { lower } from './spmd/lower';
import type { SpmdProgram } from './spmd/types';
import { resolveTactics } from './tactics/resolve';
import { runSchedule } from './auto/schedule';
import { deviceCoords } from './mesh/mesh';
import type { Hardware } from './mesh/hardware';
import { planMpmd } from './mpmd/plan';
import { buildMicrobatchProgram } from './mpmd/program';
import { simulatePipeline } from './mpmd/simulate';
import type { StepSplit } from './mpmd/types';
import type { PipelineJson } from './report';
import { batchSizeOf } from './tactics/resolvePipeline';
import type { SearchProgress } from './auto/search';
import type { TacticAst } from './tactics/types';
import { userRecord } from './record';
import { memoryValidationBand } from './sim/validated';

export interface PipelineOptions {
  /** Called between stages with a label and a fraction in [0, 1]. */
  onProgress?: (stage: string, fraction: number) => void;
  /** Checked between stages; when it returns true the pipeline throws a `cancelled` UserError. */
  isCancelled?: () => boolean;
  /** Added: progress of an AutomaticPartition's search (by tactic name), with its best strategy so far. */
  onAutoProgress?: (tactic: string, progress: SearchProgress) => void;
  /** Added: when true, a running AutomaticPartition stops searching and its best so far is used. */
  stopAutomatic?: () => boolean;
}

/** The report plus the intermediate artefacts that views (graph, hover) need. */
export interface PipelineResult {
  report: Report;
  program: Program;
  mesh: Mesh;
  asts: TacticAst[];
  partition: PartitionResult;
  spmd: SpmdProgram;
}

/** Builds the program a config names. */
export function buildProgram(config: Config): Program {
  if ('stablehlo' in config.model) return importForConfig(config).program;
  // Editing tactics, the mesh or the hardware does not change the program: keep the last one built.
  const key = JSON.stringify(config.model);
  if (lastBuilt?.key !== key) lastBuilt = { key, program: buildZooModel(config.model.zoo, config.model.params) };
  return lastBuilt.program;
}

let lastBuilt: { key: string; program: Program } | undefined;

export function meshOf(config: Config): Mesh {
  return { axes: config.mesh.axes.map((a) => ({ name: a.name, size: a.size })) };
}

/** Throws UserError for bad input (with a code, a message and where). */
export function runPipeline(config: Config, opts: PipelineOptions = {}): PipelineResult {
  const step = (label: string, fraction: number) => {
    if (opts.isCancelled?.()) throw new UserError('cancelled', 'cancelled');
    opts.onProgress?.(label, fraction);
  };
  step('build', 0);
  // an imported module's argument shardings run first, as stages `imported:<axis>`
  const imported = 'stablehlo' in config.model ? importForConfig(config) : undefined;
  const original = imported?.program ?? buildProgram(config);
  const mesh = meshOf(config);
  const overlap = config.options?.overlap ?? true;
  const hardware = resolveHardware(config.hardware, mesh);
  step('tactics', 0.2);
  const { program, resolved } = resolveWithSplit(config, original, mesh);
  // AutomaticPartition entries search in place, with the tactics before them fixed; not while the
  // text has errors (a search takes seconds, and the schedule is being edited).
  const automatic = resolved.schedule.filter((e) => e.kind === 'automatic');
  const textErrors = resolved.diagnostics.some((d) => d.severity !== 'warning');
  const scheduled = automatic.length && !textErrors
    ? runSchedule(program, mesh, hardware, imported?.tactics ?? [], resolved.schedule, {
      overlap,
      onProgress: opts.onAutoProgress,
      shouldStop: () => (opts.stopAutomatic?.() ?? false) || (opts.isCancelled?.() ?? false),
      cacheKey: JSON.stringify([config.model, config.mesh, config.hardware, config.options ?? null]),
    })
    : undefined;
  if (automatic.length && textErrors) {
    for (const e of automatic) {
      if (e.kind === 'automatic') resolved.diagnostics.push({ code: 'auto-not-run', severity: 'warning', range: e.ast.range, message: `${e.ast.name} searches once the tactic text has no errors` });
    }
  }
  step('partition', 0.3);
  const part = partition(program, mesh, scheduled?.tactics ?? [...(imported?.tactics ?? []), ...resolved.tactics]);
  step('lower', 0.6);
  const spmd = lower(part);
  step('simulate', 0.8);
  // Updated params and optimizer state donate their buffers to the new values (jit's donate_argnums), so a
  // state buffer lives through the whole step but is not counted twice.
  const simOptions = { overlap, donation: true };
  const sim = simulate(spmd, hardware, simOptions);
  const collectives = collectivesJson(program, spmd, sim);
  const stages = part.stages.map((s) => stageJson(program, s, part.stages));
  const split = resolved.split;
  // Under SPMD every device runs the same program: the peak's contributors and the curve are given once, on
  // the first device. A pipelined step's figures come from the pipeline simulator, which has no such curve.
  const profileOf = (local: Program) => memoryProfile(local, analyzeMemory(local, { fusion: true, donation: simOptions.donation }));
  const profile = !split && sim.memory.perDevice[0] ? profileOf(spmd.program) : undefined;
  if (program.ops.length <= STAGE_COST_OPS && !split) {
    step('stage costs', 0.9);
    part.stages.forEach((stage, i) => {
      // The last stage's figures are the final ones; the earlier ones need their own lowering.
      const last = i === part.stages.length - 1;
      const lowered = last ? spmd : lower({ ...part, shardings: stage.shardings });
      const r = last ? sim : simulate(lowered, hardware, simOptions);
      const first = r.memory.perDevice[0];
      // the slider's memory curve, values at the peak and step contributors follow the stage too
      const stageProfile = last ? profile : first ? profileOf(lowered.program) : undefined;
      stages[i].memory = {
        peak: first?.peak ?? 0, ...(first ? { atPeak: { ...first.atPeak } } : {}),
        ...(stageProfile ? { topValues: stageProfile.topValues, curve: stageProfile.curve } : {}),
      };
      stages[i].time = r.time;
      stages[i].collectives = last ? collectives : collectivesJson(program, lowered, r);
      stages[i].contributors = stepContributors(r.timeline);
    });
  }
  const pipelined = split ? pipelineFigures(spmd, split, hardware, overlap, sim) : undefined;
  if (profile && !pipelined && sim.memory.perDevice[0]) {
    sim.memory.perDevice[0].topValues = profile.topValues;
    sim.memory.perDevice[0].curve = profile.curve;
  }
  const report: Report = {
    model: summaryOf(original),
    stages,
    shardings: shardingsJson(program, mesh, part.shardings),
    collectives,
    memory: { ...(pipelined?.memory ?? sim.memory), validation: memoryValidationBand() },
    time: pipelined?.time ?? sim.time,
    timeline: sim.timeline,
    diagnostics: [...(imported?.diagnostics ?? []), ...resolved.diagnostics, ...(scheduled?.diagnostics ?? []), ...conflictDiagnostics(part, stages, resolved.asts)],
  };
  if (scheduled) report.auto = scheduled.auto;
  if (imported) {
    // JAX's sharding of each imported value next to the schedule's ("JAX would shard this value as …")
    const jax = jaxReport(imported.result, imported.jax, part.shardings);
    report.jax = jax.report;
    report.diagnostics.push(...jax.diagnostics);
  }
  if (pipelined) report.pipeline = pipelined.json;
  step('done', 1);
  return { report, program, mesh, asts: resolved.asts, partition: part, spmd };
}

/**
 * Resolves the tactics; when they micro-batch the step, the partitioner works on the program of one
 * micro-batch (the model at batch / microbatches), resolved again against it.
 */
function resolveWithSplit(config: Config, original: Program, mesh: Mesh): { program: Program; resolved: ReturnType<typeof resolveTactics> } {
  const first = resolveTactics(config.tactics, original, mesh, { runAutomatic: true });
  const m = first.split?.microbatches ?? 1;
  if (m <= 1) return { program: original, resolved: first };
  if ('stablehlo' in config.model) {
    first.diagnostics.push({ code: 'tactic-pipeline', severity: 'error', range: first.split?.range, message: `${first.split?.tactic}: micro-batching needs a zoo model; an imported module has a fixed batch` });
    first.split = undefined;
    return { program: original, resolved: first };
  }
  const program = buildMicrobatchProgram(config, m);
  return { program, resolved: resolveTactics(config.tactics, program, mesh, { runAutomatic: true, globalBatch: batchSizeOf(original) }) };
}

/** The pipelined step's time, per-device memory (each device takes its stage's figures) and pipeline report. */
function pipelineFigures(spmd: SpmdProgram, split: StepSplit, hw: Hardware, overlap: boolean, micro: ReturnType<typeof simulate>): { json: PipelineJson; time: Report['time']; memory: Report['memory'] } {
  const pl = split.pipeline;
  const stages = pl?.stages ?? 1;
  const plan = planMpmd(spmd, stages, stages * (pl?.virtual ?? 1), split.microbatches, { splitW: pl?.schedule === 'ZB-H1', layersPerChunk: pl?.layersPerStage });
  const r = simulatePipeline(spmd, plan, split, hw, { overlap });
  const axisIndex = pl ? spmd.mesh.axes.findIndex((a) => a.name === pl.axis) : -1;
  const perDevice = micro.memory.perDevice.map((d) => {
    const stage = axisIndex >= 0 ? deviceCoords(spmd.mesh, d.device)[axisIndex] : 0;
    const s = r.json.perStage[stage];
    // The pipeline simulator holds a stage's params, optimizer state and gradients for the whole step, so
    // what is live at its peak is also its model state.
    const modelState = { params: s.atPeak.params, gradients: s.atPeak.gradients, optimizer: s.atPeak.optimizer };
    return { device: d.device, peak: s.peakMemory, capacity: d.capacity, outOfMemory: s.peakMemory > d.capacity, atPeak: { ...s.atPeak }, modelState };
  });
  return {
    json: r.json,
    time: { step: r.step, compute: r.compute, communication: r.communication, exposedCommunication: r.exposedCommunication, perAxis: r.perAxis, mfu: r.mfu },
    memory: { perDevice },
  };
}

/** The collectives of a lowered program, with the seconds the simulation gave each. */
function collectivesJson(program: Program, spmd: SpmdProgram, sim: ReturnType<typeof simulate>): CollectiveJson[] {
  return listCollectives(spmd).map((c) => ({
    kind: c.kind,
    axes: c.axes,
    bytes: c.bytes,
    op: c.op >= 0 ? opLabel(program, c.op) : (c.value ?? ''),
    opId: c.op,
    scope: c.scope,
    phase: c.phase,
    seconds: sim.collectiveSeconds.get(c.localOp) ?? 0,
  }));
}

/** The summary depends on the program only, which tactic edits keep (see buildProgram). */
const summaries = new WeakMap<Program, Report['model']>();
function summaryOf(program: Program): Report['model'] {
  let s = summaries.get(program);
  if (!s) summaries.set(program, (s = summarize(program)));
  return s;
}

/** Programs up to this many ops get per-stage memory and time (a lowering and a simulation per tactic). */
const STAGE_COST_OPS = 6000;

/** `kind` at `scope` (and the value name when the op's result has one). */
export function opLabel(p: Program, opId: number): string {
  const op = p.ops[opId];
  const name = p.values[op.results[0]]?.name;
  return `${op.kind}${op.scope ? ` @ ${op.scope}` : ''}${name ? ` (${name})` : ''}`;
}

export function valueLabel(p: Program, v: ValueId): string {
  return p.values[v].name ?? `%${v}`;
}

function stageJson(p: Program, s: PartitionResult['stages'][number], all: PartitionResult['stages']): StageJson {
  return {
    conflictGroups: groupConflicts(p, all, (v) => valueLabel(p, v), [s]),
    tactic: s.tactic,
    axis: s.axis,
    seeded: s.seeded.map((x) => ({ value: valueLabel(p, x.value), sharding: formatAxisState(x.state) })),
    reached: s.reached,
    conflicts: s.conflicts.map((c): ConflictJson => ({
      value: valueLabel(p, c.value),
      axis: c.axis,
      existing: { sharding: formatAxisState(c.existing.state), tactic: c.existing.tactic },
      incoming: { sharding: formatAxisState(c.incoming.state), tactic: c.incoming.tactic },
      op: c.op >= 0 ? opLabel(p, c.op) : '',
      message: c.message,
    })),
  };
}

/** Above this many values only named ones (inputs, named intermediates, gradients) are listed. */
const ALL_VALUES_LIMIT = 5000;

function shardingsJson(p: Program, mesh: Mesh, shardings: readonly Sharding[]): Report['shardings'] {
  const out: Report['shardings'] = userRecord();
  const all = p.values.length <= ALL_VALUES_LIMIT;
  for (const v of p.values) {
    if (!all && v.name === undefined) continue;
    const s = shardings[v.id];
    const perAxis: Record<string, AxisShardingJson> = userRecord();
    for (const a of mesh.axes) perAxis[a.name] = axisShardingJson(s, a.name);
    out[valueLabel(p, v.id)] = perAxis;
  }
  return out;
}

/**
 * Conflicts become editor markers on the tactic that brought the incoming sharding: one per group of
 * partition/conflictGroups.ts (ZeRO-3 after BatchParallel meets BP at every parameter use — thousands of
 * conflicts that say one thing), saying whether the group is the expected one, with a first example.
 */
function conflictDiagnostics(part: PartitionResult, stages: readonly StageJson[], asts: readonly TacticAst[]): Diagnostic[] {
  const out: Diagnostic[] = [];
  part.stages.forEach((s, i) => {
    const ast = asts.find((a) => a.name === s.tactic);
    // the groups stageJson made for the report: grouping classifies every conflict, so it runs once per stage
    for (const g of stages[i].conflictGroups ?? []) {
      const what = g.count === 1 ? `conflict on ${g.values[0]}` : `${g.count} conflicts on axis "${g.axis}" (${g.values.slice(0, 2).join(', ')}, …)`;
      out.push({
        code: 'conflict',
        severity: 'warning',
        message: `${what}: ${g.existing} from ${g.against} vs ${g.incoming} from ${g.tactic}; ${g.explanation}. First: ${g.first}`,
        range: s.range ?? ast?.range,
      });
    }
  });
  return out;
}
