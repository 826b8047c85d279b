import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import type { Config } from '../config';
import { runPipeline } from '../../pipeline';
import type { PipelineJson } from '../../report';
import { exportText } from './index';
import { pipelineActions } from '../../mpmd/schedules';
import { jaxPipelineProgram, unitTimeTicks } from './jaxPipeline';
import { STAGE_PID_BASE } from './pipelineTrace';
import type { ChromeTrace } from './trace';

const config = (tactics: string, axes = [{ name: 'pp', size: 2 }, { name: 'tp', size: 2 }]): Config => ({
  version: 1,
  model: { zoo: 'transformer', params: { layers: 4, dModel: 32, heads: 2, dFF: 64, seq: 8, vocab: 32, batch: 8 } },
  mesh: { axes },
  hardware: { preset: 'a100-80gb' },
  tactics,
});
const INTERLEAVED = config('schedule = [Megatron(axis="tp"), Pipeline(axis="pp", schedule="interleaved", microbatches=4, virtual=2)]');

/** Whether `python3` can parse Python here (the tests that parse the export skip without it). */
const hasPython = ((): boolean => {
  try {
    execFileSync('python3', ['-c', 'import ast'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
})();

/** The names a module defines at top level and its statement count, from Python's own parser. */
function parsePython(source: string): { names: string[]; statements: number } {
  const script = 'import ast, json, sys\ntree = ast.parse(sys.stdin.read())\n'
    + 'names = [n.name for n in tree.body if isinstance(n, ast.FunctionDef)] + [t.id for n in tree.body if isinstance(n, ast.Assign) for t in n.targets if isinstance(t, ast.Name)]\n'
    + 'print(json.dumps({"names": names, "statements": len(tree.body)}))';
  return JSON.parse(execFileSync('python3', ['-c', script], { input: source, encoding: 'utf8' })) as { names: string[]; statements: number };
}

/** Whether numpy is there too (the exported GPipe's forward pass runs on it, through testdata/fakejax.py). */
const hasNumpy = hasPython && ((): boolean => {
  try {
    execFileSync('python3', ['-c', 'import numpy'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
})();

const FAKE_JAX_DIR = fileURLToPath(new URL('./testdata', import.meta.url));

/**
 * Runs the exported pipeline's forward pass (shard_map over NUM_STAGES threads) on random stand-in layers and
 * returns its largest difference from the same layers run one stage after another, and the size of what the
 * layers change (so a match is not a match of zeros).
 */
function runExportedForward(program: string): { diff: number; scale: number } {
  const driver = [
    'rng = np.random.default_rng(0)',
    'w = 0.3 * rng.standard_normal((NUM_STAGES, MAX_STAGE_LAYERS, 4, 4))',
    'xs = rng.standard_normal((NUM_MICROBATCHES, 2, 4))',
    'run = shard_map(gpipe, mesh=Mesh(np.arange(NUM_STAGES), (PIPELINE_AXIS,)), in_specs=(P(PIPELINE_AXIS), P()), out_specs=P())',
    'out = run({"w": w}, xs)',
    'ref = xs',
    'for s in range(NUM_STAGES):',
    '    ref = stage_fn({"w": w[s]}, ref, s)',
    'print(json.dumps({"diff": float(np.abs(out - ref).max()), "scale": float(np.abs(ref - xs).max())}))',
  ].join('\n');
  const source = ['import json', 'import jax', 'from jax.sharding import Mesh, PartitionSpec as P', program, driver].join('\n');
  // not run as __main__: the export's own check needs real JAX (jit, grad, random)
  const runner = `import sys\nsys.path.insert(0, ${JSON.stringify(FAKE_JAX_DIR)})\nimport fakejax\nfakejax.install()\nexec(compile(sys.stdin.read(), "export", "exec"), {"__name__": "export"})`;
  return JSON.parse(execFileSync('python3', ['-c', runner], { input: source, encoding: 'utf8', timeout: 60_000 })) as { diff: number; scale: number };
}

/**
 * Runs the exported 1F1B (one_f_one_b under shard_map) on stand-in layers and compares its loss and weight
 * gradients with the unpipelined loss's, both by finite differences in float64 (fakejax.py).
 */
function runExported1F1B(program: string): { loss: number; refLoss: number; gradDiff: number; gradScale: number } {
  const driver = [
    'rng = np.random.default_rng(1)',
    'w = 0.4 * rng.standard_normal((NUM_STAGES, MAX_STAGE_LAYERS, 3, 3))',
    'xs = rng.standard_normal((NUM_MICROBATCHES, 2, 3))',
    'ys = rng.standard_normal((NUM_MICROBATCHES, 2, 3))',
    'loss, grads = pipeline_step_1f1b(Mesh(np.arange(NUM_STAGES), (PIPELINE_AXIS,)), {"w": w}, xs, ys)',
    'ref_loss, pullback = jax.vjp(lambda p: unpipelined_loss(p, xs, ys), {"w": w})',
    'ref = pullback(np.ones(()))[0]["w"]',
    'print(json.dumps({"loss": float(loss), "refLoss": float(ref_loss), "gradDiff": float(np.abs(grads["w"] - ref).max()), "gradScale": float(np.abs(ref).max())}))',
  ].join('\n');
  const source = ['import json', 'import jax', 'from jax.sharding import Mesh, PartitionSpec as P', program, driver].join('\n');
  const runner = `import sys\nsys.path.insert(0, ${JSON.stringify(FAKE_JAX_DIR)})\nimport fakejax\nfakejax.install()\nexec(compile(sys.stdin.read(), "export", "exec"), {"__name__": "export"})`;
  return JSON.parse(execFileSync('python3', ['-c', runner], { input: source, encoding: 'utf8', timeout: 120_000 })) as { loss: number; refLoss: number; gradDiff: number; gradScale: number };
}

describe('1F1B on unit-time ticks (the JAX export\'s tick table)', () => {
  const p = 4, m = 8;
  const ticks = unitTimeTicks(pipelineActions('1F1B', p, m));
  it('takes (m + p - 1) forward-backward pairs of ticks, the 1F1B makespan at equal forward and backward times', () => {
    expect(ticks.length).toBe(2 * (m + p - 1));
  });
  it('runs each stage\'s actions in the schedule\'s order, after what they read, with at most p - s micro-batches in flight', () => {
    const at = new Map<string, number>();
    ticks.forEach((row, t) => row.forEach(([kind, mb], s) => { if (kind) at.set(`${kind === 1 ? 'F' : 'B'}${s}:${mb}`, t); }));
    const actions = pipelineActions('1F1B', p, m);
    for (let s = 0; s < p; s++) {
      const order = actions[s].map((a) => at.get(`${a.pass}${s}:${a.mb}`)!);
      expect(order.every((t, k) => k === 0 || t > order[k - 1]), `stage ${s} in order`).toBe(true);
      let inFlight = 0, most = 0;
      for (const row of ticks) {
        if (row[s][0] === 1) most = Math.max(most, ++inFlight);
        if (row[s][0] === 2) inFlight--;
      }
      expect(most, `stage ${s}`).toBe(p - s);
      for (let i = 0; i < m; i++) {
        if (s > 0) expect(at.get(`F${s}:${i}`)!).toBeGreaterThan(at.get(`F${s - 1}:${i}`)!);
        expect(at.get(`B${s}:${i}`)!).toBeGreaterThan(s < p - 1 ? at.get(`B${s + 1}:${i}`)! : at.get(`F${s}:${i}`)!);
      }
    }
  });
});

describe('exports of a pipelined step', () => {
  const result = runPipeline(INTERLEAVED);
  it('the Perfetto trace carries one process per stage with its passes and sends', () => {
    const trace = JSON.parse(exportText('trace', result, INTERLEAVED)) as ChromeTrace;
    const stageNames = trace.traceEvents.filter((e) => e.name === 'process_name' && e.pid >= STAGE_PID_BASE).map((e) => e.args?.name);
    expect(stageNames).toEqual(['pipeline stage 0 (pp=0), layers 0-0, 2-2', 'pipeline stage 1 (pp=1), layers 1-1, 3-3']);
    const passes = trace.traceEvents.filter((e) => e.cat === 'pipeline');
    // 2 stages × 2 chunks × 4 micro-batches × (forward, backward)
    expect(passes.length).toBe(32);
    expect(passes.filter((e) => e.pid === STAGE_PID_BASE && e.name.startsWith('forward')).length).toBe(8);
    expect(trace.traceEvents.some((e) => e.cat === 'p2p')).toBe(true);
  });

  it('the Perfetto trace puts the recomputed forward of each backward as a slice inside it', () => {
    const c: Config = { ...INTERLEAVED, model: { zoo: 'transformer', params: { ...(INTERLEAVED.model as { params: Record<string, unknown> }).params, remat: 'full' } } } as Config;
    const r = runPipeline(c);
    const trace = JSON.parse(exportText('trace', r, c)) as ChromeTrace;
    const backwards = trace.traceEvents.filter((e) => e.cat === 'pipeline' && e.name.startsWith('backward'));
    const recomputes = trace.traceEvents.filter((e) => e.cat === 'recompute');
    expect(recomputes.length).toBe(backwards.length);
    for (const rc of recomputes) {
      const b = backwards.find((e) => e.pid === rc.pid && e.tid === rc.tid && e.ts === rc.ts && e.name.endsWith(`mb ${rc.args?.microbatch}`) && e.args?.chunk === rc.args?.chunk);
      expect(b, rc.name).toBeDefined();
      expect(rc.dur!).toBeGreaterThan(0);
      expect(rc.dur!).toBeLessThan(b!.dur!);
    }
    // without recomputation there is none
    expect(JSON.parse(exportText('trace', result, INTERLEAVED)).traceEvents.some((e: { cat?: string }) => e.cat === 'recompute')).toBe(false);
  });

  it('the JAX export states the stage assignment, falls back to GPipe for interleaved and says why', () => {
    const py = exportText('jax', result, INTERLEAVED);
    expect(py).toContain("PIPELINE_SCHEDULE = 'interleaved'");
    expect(py).toContain('STAGE_LAYERS = {0: [(0, 0), (2, 2)], 1: [(1, 1), (3, 3)]}');
    expect(py).toMatch(/# Not expressible: interleaved 1F1B \(2 chunks per stage/);
    expect(py).toContain('STAGE_LAYER_COUNTS = (2, 2)');
    expect(py).not.toContain('def accumulate_gradients');
  });

  for (const schedule of ['GPipe', '1F1B', 'ZB-H1'] as const) {
    it(`the JAX export of ${schedule} over 4 stages is a shard_map over the pipeline axis with a scan over m + p - 1 steps`, () => {
      const c = config(`schedule = [Megatron(axis="tp"), Pipeline(axis="stages", schedule="${schedule}", microbatches=8)]`, [{ name: 'stages', size: 4 }, { name: 'tp', size: 2 }]);
      const r = runPipeline(c);
      expect(r.report.diagnostics.filter((d) => d.severity !== 'warning')).toEqual([]);
      const py = exportText('jax', r, c);
      expect(py).toContain("PIPELINE_AXIS = 'stages'");
      expect(py).toContain('NUM_STAGES = 4');
      expect(py).toContain('NUM_MICROBATCHES = 8');
      expect(py).toContain("mesh = Mesh(devices, ('stages', 'tp'))");
      expect(py).toContain('STAGE_LAYER_COUNTS = (1, 1, 1, 1)');
      expect(py).toContain('from jax.experimental.shard_map import shard_map');
      expect(py).toContain('shard_map(gpipe, mesh=mesh, in_specs=(P(PIPELINE_AXIS), P()), out_specs=P())');
      expect(py).toContain('jax.lax.ppermute(y, PIPELINE_AXIS, to_next)');
      expect(py).toContain('jax.lax.scan(tick, init, jnp.arange(NUM_MICROBATCHES + NUM_STAGES - 1))');
      if (schedule === 'GPipe') expect(py).toContain('# Runnable below: GPipe');
      else if (schedule === '1F1B') expect(py).toContain("# Runnable below: 1F1B in the explorer's order.");
      else expect(py).toMatch(new RegExp(`# Not expressible: ${schedule}\\.`));
      // the script entry point comes before the whole mesh is made, so the check runs on NUM_STAGES devices
      expect(py.indexOf('if __name__ == "__main__":')).toBeLessThan(py.indexOf('devices = mesh_utils.create_device_mesh'));
    });
  }

  it.skipIf(!hasPython)('the JAX export of a pipeline parses as Python and defines the pipeline and the sharding dicts', () => {
    const { names } = parsePython(exportText('jax', result, INTERLEAVED));
    for (const n of ['PIPELINE_AXIS', 'NUM_STAGES', 'NUM_MICROBATCHES', 'STAGE_LAYERS', 'stage_fn', 'gpipe', 'pipeline_step', 'unpipelined_loss', 'check_pipeline', 'mesh', 'in_shardings', 'step_jit']) {
      expect(names, n).toContain(n);
    }
  });

  it.skipIf(!hasPython)('gradient accumulation without a pipeline exports accumulate_gradients, and parses', () => {
    const c = config('schedule = [Megatron(axis="tp"), Microbatch(count=2)]', [{ name: 'tp', size: 2 }]);
    const py = exportText('jax', runPipeline(c), c);
    expect(py).toContain('def accumulate_gradients(loss_and_grad, params, batch, microbatches=2):');
    expect(py).not.toContain('def gpipe');
    expect(parsePython(py).names).toContain('accumulate_gradients');
  });

  describe.skipIf(!hasNumpy)('the exported GPipe, run on numpy in place of JAX', () => {
    const c = config('schedule = [Megatron(axis="tp"), Pipeline(axis="pp", schedule="GPipe", microbatches=8)]', [{ name: 'pp', size: 4 }, { name: 'tp', size: 2 }]);
    const pl = runPipeline(c).report.pipeline!;
    const program = jaxPipelineProgram(pl).join('\n');

    it('computes what the stages compute one after another, for every micro-batch', () => {
      const { diff, scale } = runExportedForward(program);
      expect(scale).toBeGreaterThan(0.1);
      expect(diff).toBeLessThan(1e-9);
    });

    it('also with an uneven split (shorter stages skip their padded layers)', () => {
      const layers: [number, number][][] = [[[0, 2]], [[2, 3]], [[3, 6]], [[6, 7]]];
      const uneven: PipelineJson = { ...pl, perStage: pl.perStage.map((s, i) => ({ ...s, layers: layers[i] })) };
      const text = jaxPipelineProgram(uneven).join('\n');
      expect(text).toContain('STAGE_LAYER_COUNTS = (2, 1, 3, 1)');
      const { diff, scale } = runExportedForward(text);
      expect(scale).toBeGreaterThan(0.1);
      expect(diff).toBeLessThan(1e-9);
    });

    it('fails the comparison when the fill steps are left out or the sends go backwards', () => {
      const noFill = program.replace('jnp.arange(NUM_MICROBATCHES + NUM_STAGES - 1)', 'jnp.arange(NUM_MICROBATCHES)');
      const backwards = program.replace('[(s, s + 1) for s in range(NUM_STAGES - 1)]', '[(s + 1, s) for s in range(NUM_STAGES - 1)]');
      for (const broken of [noFill, backwards]) {
        expect(broken).not.toBe(program);
        expect(runExportedForward(broken).diff).toBeGreaterThan(1e-3);
      }
    });
  });

  describe.skipIf(!hasNumpy)('the exported 1F1B, run on numpy in place of JAX', () => {
    const c = config('schedule = [Megatron(axis="tp"), Pipeline(axis="pp", schedule="1F1B", microbatches=6)]', [{ name: 'pp', size: 3 }, { name: 'tp', size: 2 }]);
    const pl = runPipeline({ ...c, model: { zoo: 'transformer', params: { layers: 3, dModel: 32, heads: 2, dFF: 64, seq: 8, vocab: 32, batch: 6 } } }).report.pipeline!;
    const program = jaxPipelineProgram(pl).join('\n');

    it('emits the tick table and the 1F1B step, and checks that one', () => {
      expect(program).toContain('SCHEDULE_1F1B = (');
      expect(program).toContain('def one_f_one_b(stage_params, microbatches, targets):');
      expect(program).toContain('jax.jit(partial(pipeline_step_1f1b, pp_mesh))');
      expect(program).toContain("# Runnable below: 1F1B in the explorer's order.");
    });

    it('gives the loss and weight gradients of the unpipelined layers', () => {
      const r = runExported1F1B(program);
      expect(r.gradScale).toBeGreaterThan(1e-3);
      expect(Math.abs(r.loss - r.refLoss)).toBeLessThan(1e-9 + 1e-9 * r.refLoss);
      expect(r.gradDiff).toBeLessThan(1e-6 * Math.max(1, r.gradScale));
    });

    it('fails the comparison when input gradients go to the wrong stage', () => {
      const broken = program.replace('to_prev = [(s + 1, s) for s in range(NUM_STAGES - 1)]', 'to_prev = [(s, s + 1) for s in range(NUM_STAGES - 1)]');
      expect(broken).not.toBe(program);
      expect(runExported1F1B(broken).gradDiff).toBeGreaterThan(1e-4);
    });
  });

  it.skipIf(!hasPython)('names from the text cannot end a comment or a string of the emitted Python', () => {
    const pl = result.report.pipeline!;
    const hostile: PipelineJson = { ...pl, tactic: 'PP\nimport os; os.system("x")', axis: "pp'\n__import__('os')#" };
    const lines = jaxPipelineProgram(hostile);
    const plain = parsePython(jaxPipelineProgram(pl).join('\n'));
    const parsed = parsePython(lines.join('\n'));
    // the same statements: nothing was smuggled in
    expect(parsed.statements).toBe(plain.statements);
    expect(lines.join('\n')).not.toMatch(/^import os/m);
  });
});
