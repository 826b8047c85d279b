/**
 * The pipeline part of the JAX export (docs/pipelines.md "Exports").
 *
 * A pipeline: the stage assignment and the schedule as constants, and a runnable GPipe in one SPMD program:
 * `shard_map` over the pipeline axis, each device holding its stage's parameters, a `lax.scan` over the
 * micro-batches plus the p−1 fill steps, activations sent to the next stage with `lax.ppermute`. `jax.grad`
 * of it is GPipe's backward: the scan's transpose runs the steps in reverse and ppermute's transpose sends
 * each gradient to the previous stage, and a stage's weight gradients are summed over the micro-batches.
 * 1F1B also runs as scheduled: `one_f_one_b` steps through the explorer's 1F1B order tick by tick (one
 * forward or backward per stage per tick), recomputing each stage's forward in its backward with `jax.vjp`.
 * Interleaved and ZB-H1 fall back to GPipe, and the header says what JAX cannot express about them.
 * A `__main__` check runs it on `stages` devices against the same layers without a pipeline.
 *
 * Gradient accumulation alone (Microbatch): `accumulate_gradients`, a `lax.scan` over micro-batches.
 */
import { pipelineActions, type Action } from '../../mpmd/schedules';
import type { PipelineJson } from '../../report';
import { pyText } from './escape';
import { pyStr } from './python';

/** Lines placed after the imports, before the mesh: the pipeline program and the script entry point. */
export function jaxPipelineProgram(pl: PipelineJson): string[] {
  if (!pl.axis) return [];
  const counts = pl.perStage.map((s) => s.layers.reduce((n, [a, b]) => n + b - a, 0));
  return [
    '',
    `# ---- Pipeline (${pyText(pl.tactic)}) ----`,
    `# Schedule ${pyText(pl.schedule)} over mesh axis "${pyText(pl.axis)}": ${pl.stages} stages${pl.virtual > 1 ? `, ${pl.virtual} model chunks per stage` : ''}, ${pl.microbatches} micro-batches per step;`,
    '# their gradients are averaged, then the optimizer runs once. The embedding runs on the',
    '# first stage and the loss on the last. Layers of each stage (first, last), per model chunk:',
    `PIPELINE_SCHEDULE = ${pyStr(pl.schedule)}`,
    `PIPELINE_AXIS = ${pyStr(pl.axis)}`,
    `NUM_STAGES = ${pl.stages}`,
    `NUM_MICROBATCHES = ${pl.microbatches}`,
    `STAGE_LAYERS = {${pl.perStage.map((s) => `${s.stage}: [${s.layers.map(([a, b]) => `(${a}, ${b - 1})`).join(', ')}]`).join(', ')}}`,
    '#',
    ...scheduleNote(pl),
    '#',
    '# What JAX cannot express: jax.jit compiles one SPMD program for every device. The code below writes the',
    '# pipeline inside that one program: every stage runs the same code on its own parameters, and the first and',
    '# last stage mask what is not theirs. It runs the pipeline axis alone (a mesh of NUM_STAGES devices);',
    '# combining it with the shardings of the other axes below is left to you. Its stage_fn is a stand-in layer',
    '# stack: put your model\'s layers there (the embedding before the pipeline, the loss after it).',
    '',
    ...pythonImports(),
    ...stageFnLines(counts),
    ...gpipeLines(),
    ...pipelineStepLines(),
    ...(pl.schedule === '1F1B' ? oneFOneBProgram(pl) : []),
    ...checkLines(pl),
  ];
}

/** The imports the pipeline code needs beyond those of the shardings file. */
function pythonImports(): string[] {
  return [
    'from functools import partial',
    '',
    'import jax.numpy as jnp',
    'import numpy as np',
    'from jax.experimental.shard_map import shard_map',
    '',
  ];
}

/** The stand-in stage: a residual tanh layer per row, a shorter stage skipping its padded rows. */
function stageFnLines(counts: readonly number[]): string[] {
  return [
    `# Layers each stage runs in the code below, in model order (a shorter stage skips its padded rows).`,
    `STAGE_LAYER_COUNTS = (${counts.join(', ')}${counts.length === 1 ? ',' : ''})`,
    'MAX_STAGE_LAYERS = max(STAGE_LAYER_COUNTS)',
    '',
    '',
    'def stage_fn(params, x, stage):',
    '    """One stage\'s layers on one micro-batch: a residual tanh layer per row of params["w"] (a stand-in)."""',
    '    n = jnp.asarray(STAGE_LAYER_COUNTS)[stage]',
    '',
    '    def layer(h, i_w):',
    '        i, w = i_w',
    '        return jnp.where(i < n, h + jnp.tanh(h @ w), h), None',
    '',
    '    h, _ = jax.lax.scan(layer, x, (jnp.arange(MAX_STAGE_LAYERS), params["w"]))',
    '    return h',
    '',
    '',
  ];
}

/** GPipe inside shard_map: a scan over the micro-batches plus the fill steps, activations sent on with ppermute. */
function gpipeLines(): string[] {
  return [
    'def gpipe(stage_params, microbatches):',
    '    """GPipe on one device of the pipeline axis (inside shard_map).',
    '',
    '    stage_params: this stage\'s parameters, each leaf with a leading stage axis of size 1.',
    '    microbatches: [NUM_MICROBATCHES, micro_batch, ...], the same on every stage.',
    '    Returns the last stage\'s outputs for every micro-batch, on every stage.',
    '    """',
    '    params = jax.tree_util.tree_map(lambda p: p[0], stage_params)',
    '    stage = jax.lax.axis_index(PIPELINE_AXIS)',
    '    last = NUM_STAGES - 1',
    '    # point to point, stage s to s + 1; a stage nobody sends to receives zeros',
    '    to_next = [(s, s + 1) for s in range(NUM_STAGES - 1)]',
    '',
    '    def tick(carry, t):',
    '        received, outputs = carry',
    '        # stage 0 starts micro-batch t; stage s works on micro-batch t - s, received from stage s - 1',
    '        x = jnp.where(stage == 0, microbatches[jnp.minimum(t, NUM_MICROBATCHES - 1)], received)',
    '        y = stage_fn(params, x, stage)',
    '        done = t - last  # the micro-batch the last stage finishes (negative while the pipeline fills)',
    '        kept = jax.lax.dynamic_update_index_in_dim(outputs, y, jnp.maximum(done, 0), 0)',
    '        outputs = jnp.where((stage == last) & (done >= 0), kept, outputs)',
    '        return (jax.lax.ppermute(y, PIPELINE_AXIS, to_next), outputs), None',
    '',
    '    init = (jnp.zeros_like(microbatches[0]), jnp.zeros_like(microbatches))',
    '    # the carries differ per stage; JAX versions that type what varies over a mesh axis need to be told',
    '    if hasattr(jax.lax, "pvary"):',
    '        init = jax.lax.pvary(init, PIPELINE_AXIS)',
    '    # NUM_MICROBATCHES steps, plus NUM_STAGES - 1 while the last micro-batch crosses the stages',
    '    (_, outputs), _ = jax.lax.scan(tick, init, jnp.arange(NUM_MICROBATCHES + NUM_STAGES - 1))',
    '    return jax.lax.psum(jnp.where(stage == last, outputs, jnp.zeros_like(outputs)), PIPELINE_AXIS)',
    '',
    '',
  ];
}

/** Loss and gradients of one pipelined step: jax.grad of the GPipe scan. */
function pipelineStepLines(): string[] {
  return [
    'def pipeline_step(mesh, stage_params, microbatches, targets):',
    '    """Loss and gradients of one pipelined step (mean squared error: a stand-in for your loss).',
    '',
    '    The mean over all micro-batches makes the gradient the average of the micro-batches\' gradients:',
    '    gradient accumulation. jax.grad runs the backward passes in reverse pipeline order (GPipe).',
    '    """',
    '    run = shard_map(gpipe, mesh=mesh, in_specs=(P(PIPELINE_AXIS), P()), out_specs=P())',
    '    return jax.value_and_grad(lambda p: jnp.mean((run(p, microbatches) - targets) ** 2))(stage_params)',
  ];
}

/** The unpipelined reference, the check against it, and the script entry point. */
function checkLines(pl: PipelineJson): string[] {
  return [
    '',
    '',
    'def unpipelined_loss(stage_params, microbatches, targets):',
    '    """The same layers and loss without a pipeline: every stage\'s layers in order on every micro-batch."""',
    '    h = microbatches',
    '    for s in range(NUM_STAGES):',
    '        h = stage_fn(jax.tree_util.tree_map(lambda p: p[s], stage_params), h, s)',
    '    return jnp.mean((h - targets) ** 2)',
    '',
    '',
    'def check_pipeline(d_model=16, micro_batch=4):',
    '    """Runs the pipeline on NUM_STAGES devices and compares loss and gradients with unpipelined_loss."""',
    '    pp_mesh = Mesh(np.array(jax.devices()[:NUM_STAGES]), (PIPELINE_AXIS,))',
    '    k_w, k_x, k_y = jax.random.split(jax.random.PRNGKey(0), 3)',
    '    stage_params = {"w": 0.1 * jax.random.normal(k_w, (NUM_STAGES, MAX_STAGE_LAYERS, d_model, d_model))}',
    '    xs = jax.random.normal(k_x, (NUM_MICROBATCHES, micro_batch, d_model))',
    '    ys = jax.random.normal(k_y, (NUM_MICROBATCHES, micro_batch, d_model))',
    `    loss, grads = jax.jit(partial(${pl.schedule === '1F1B' ? 'pipeline_step_1f1b' : 'pipeline_step'}, pp_mesh))(stage_params, xs, ys)`,
    '    ref_loss, ref_grads = jax.value_and_grad(unpipelined_loss)(stage_params, xs, ys)',
    '    assert np.allclose(loss, ref_loss, rtol=1e-4), (loss, ref_loss)',
    '    assert np.allclose(grads["w"], ref_grads["w"], rtol=1e-3, atol=1e-6)',
    '    print(f"pipelined loss {float(loss):.6f} matches the unpipelined {float(ref_loss):.6f}; so do the gradients")',
    '',
    '',
    '# As a script, the file checks the pipeline and stops: the shardings below need the whole mesh. On CPU:',
    '#   XLA_FLAGS=--xla_force_host_platform_device_count=<NUM_STAGES> python partir_shardings.py',
    'if __name__ == "__main__":',
    '    check_pipeline()',
    '    raise SystemExit(0)',
    '',
  ];
}

/** What of the schedule the code runs, and what it cannot express. */
function scheduleNote(pl: PipelineJson): string[] {
  switch (pl.schedule) {
    case 'GPipe':
      return ['# Runnable below: GPipe as the explorer schedules it (all forwards, then all backwards).'];
    case '1F1B':
      return [
        "# Runnable below: 1F1B in the explorer's order. jax.grad of a scan runs every forward before any backward",
        '# (gpipe), so one_f_one_b steps through SCHEDULE_1F1B instead: per tick, each stage runs one forward or one',
        "# backward, and the backward recomputes the stage's forward from its stashed input (jax.vjp). Not expressed:",
        '# keeping only the activations of the micro-batches in flight: the code keeps a slot per micro-batch.',
      ];
    case 'interleaved':
      return [
        `# Not expressible: interleaved 1F1B (${pl.virtual} chunks per stage, each stage holding non-adjacent layers).`,
        '# The code below falls back to GPipe over the same stages with each stage\'s layers made contiguous',
        '# (STAGE_LAYER_COUNTS), so its bubble is (p-1)/m rather than (p-1)/(v*m).',
      ];
    case 'ZB-H1':
      return [
        '# Not expressible: ZB-H1. Splitting each backward into its input-gradient and weight-gradient halves and',
        '# deferring the latter is an order of XLA\'s backward computation that JAX does not let a program choose.',
        '# The code below falls back to GPipe: the same gradients with a larger bubble.',
      ];
    default:
      return [];
  }
}

/** Lines at the end: gradient accumulation without a pipeline. */
export function jaxAccumulationSection(pl: PipelineJson): string[] {
  if (pl.axis) return [];
  return [
    '',
    '',
    `# ---- Gradient accumulation (${pyText(pl.tactic)}) ----`,
    `# ${pl.microbatches} micro-batches per step; their gradients are averaged, then the optimizer runs once.`,
    '',
    'import jax.numpy as jnp',
    '',
    '',
    `def accumulate_gradients(loss_and_grad, params, batch, microbatches=${pl.microbatches}):`,
    '    """Averages loss and gradients over micro-batches: cuts every batch leaf along dim 0 and scans over them."""',
    '    split = jax.tree_util.tree_map(lambda x: x.reshape((microbatches, x.shape[0] // microbatches) + x.shape[1:]), batch)',
    '    zeros = jax.tree_util.tree_map(jnp.zeros_like, params)',
    '',
    '    def one(carry, mb):',
    '        loss, grads = loss_and_grad(params, mb)',
    '        return (carry[0] + loss, jax.tree_util.tree_map(jnp.add, carry[1], grads)), None',
    '',
    '    (loss, grads), _ = jax.lax.scan(one, (jnp.zeros(()), zeros), split)',
    '    return loss / microbatches, jax.tree_util.tree_map(lambda g: g / microbatches, grads)',
    '',
  ];
}

const IDLE = 0, FORWARD = 1, BACKWARD = 2;

/**
 * The schedule's actions placed on unit-time ticks, as the schedules are derived (equal forward and backward
 * times): each stage runs its actions in order, one per tick, once their inputs arrived on an earlier tick (a
 * forward after the previous stage's forward of that micro-batch, a backward after the next stage's backward).
 * Per tick, per stage: [kind, micro-batch] with kind 0 idle, 1 forward, 2 backward. One chunk per stage only.
 */
export function unitTimeTicks(actions: readonly (readonly Action[])[]): [number, number][][] {
  const p = actions.length;
  const doneAt = new Map<string, number>();
  const key = (pass: string, stage: number, mb: number) => `${pass}${stage}:${mb}`;
  const next = new Array<number>(p).fill(0);
  const total = actions.reduce((n, a) => n + a.length, 0);
  const ticks: [number, number][][] = [];
  for (let t = 0, placed = 0; placed < total; t++) {
    if (t > 4 * total + p) throw new Error('the schedule deadlocks at unit times');
    const row: [number, number][] = [];
    for (let s = 0; s < p; s++) {
      const a = actions[s][next[s]];
      const dep = !a ? undefined : a.pass === 'F' ? (s > 0 ? key('F', s - 1, a.mb) : undefined) : (s < p - 1 ? key('B', s + 1, a.mb) : key('F', s, a.mb));
      const ready = a !== undefined && (dep === undefined || (doneAt.get(dep) ?? t) < t);
      if (!ready) {
        row.push([IDLE, 0]);
        continue;
      }
      row.push([a.pass === 'F' ? FORWARD : BACKWARD, a.mb]);
      next[s]++;
      placed++;
    }
    // marked after the row, so that what a stage finishes at tick t is read at t + 1 at the earliest
    row.forEach(([kind, mb], s) => { if (kind !== IDLE) doneAt.set(key(kind === FORWARD ? 'F' : 'B', s, mb), t); });
    ticks.push(row);
  }
  return ticks;
}

/** The 1F1B executor: the tick table and `one_f_one_b` (see the module comment). */
function oneFOneBProgram(pl: PipelineJson): string[] {
  const ticks = unitTimeTicks(pipelineActions('1F1B', pl.stages, pl.microbatches));
  return [
    '',
    '',
    `# Per tick, per stage: (kind, micro-batch); kind ${IDLE} waits, ${FORWARD} runs a forward, ${BACKWARD} a backward. The explorer's 1F1B`,
    '# order at equal forward and backward times.',
    `IDLE, FORWARD, BACKWARD = ${IDLE}, ${FORWARD}, ${BACKWARD}`,
    'SCHEDULE_1F1B = (',
    ...ticks.map((row) => `    (${row.map(([k, mb]) => `(${k}, ${mb})`).join(', ')}${row.length === 1 ? ',' : ''}),`),
    ')',
    '',
    '',
    'def one_f_one_b(stage_params, microbatches, targets):',
    '    """1F1B on one device of the pipeline axis (inside shard_map), tick by tick as SCHEDULE_1F1B says.',
    '',
    "    A backward recomputes its stage's forward from the stashed input, pulls back the gradient the next stage",
    "    sent (the loss's, on the last stage) and adds the weight gradients to the stage's running sum.",
    "    Returns the step's loss and this stage's weight gradients (leading stage axis of size 1).",
    '    """',
    '    params = jax.tree_util.tree_map(lambda p: p[0], stage_params)',
    '    stage = jax.lax.axis_index(PIPELINE_AXIS)',
    '    last = NUM_STAGES - 1',
    '    prev, nxt = jnp.maximum(stage - 1, 0), jnp.minimum(stage + 1, last)',
    '    to_next = [(s, s + 1) for s in range(NUM_STAGES - 1)]',
    '    to_prev = [(s + 1, s) for s in range(NUM_STAGES - 1)]',
    '',
    '    def tick(carry, row):',
    '        stash, cotangents, grads, loss = carry',
    '        kind, mb = row[stage, 0], row[stage, 1]',
    '        x = jnp.where(stage == 0, microbatches[mb], stash[mb])',
    '        y, pullback = jax.vjp(lambda p, h: stage_fn(p, h, stage), params, x)',
    '        mb_loss, d_y = jax.value_and_grad(lambda out: jnp.mean((out - targets[mb]) ** 2) / NUM_MICROBATCHES)(y)',
    '        d_params, d_x = pullback(jnp.where(stage == last, d_y, cotangents[mb]))',
    '        backward = kind == BACKWARD',
    '        grads = jax.tree_util.tree_map(lambda g, d: g + jnp.where(backward, d, jnp.zeros_like(d)), grads, d_params)',
    '        loss = loss + jnp.where(backward & (stage == last), mb_loss, jnp.zeros_like(mb_loss))',
    "        # every stage sends both ways each tick; a stage keeps what its neighbour's row says it computed",
    '        y_in = jax.lax.ppermute(y, PIPELINE_AXIS, to_next)',
    '        d_x_in = jax.lax.ppermute(d_x, PIPELINE_AXIS, to_prev)',
    '        got_y = (stage > 0) & (row[prev, 0] == FORWARD)',
    '        got_d_x = (stage < last) & (row[nxt, 0] == BACKWARD)',
    '        stash = jnp.where(got_y, jax.lax.dynamic_update_index_in_dim(stash, y_in, row[prev, 1], 0), stash)',
    '        cotangents = jnp.where(got_d_x, jax.lax.dynamic_update_index_in_dim(cotangents, d_x_in, row[nxt, 1], 0), cotangents)',
    '        return (stash, cotangents, grads, loss), None',
    '',
    "    # a stage's output has its input's shape here (residual layers): one slot per micro-batch for each",
    '    zeros = jax.tree_util.tree_map(lambda p: jnp.zeros(p.shape, p.dtype), params)',
    '    init = (jnp.zeros_like(microbatches), jnp.zeros_like(microbatches), zeros, jnp.zeros((), microbatches.dtype))',
    '    if hasattr(jax.lax, "pvary"):',
    '        init = jax.lax.pvary(init, PIPELINE_AXIS)',
    '    (_, _, grads, loss), _ = jax.lax.scan(tick, init, jnp.asarray(SCHEDULE_1F1B))',
    '    return jax.lax.psum(loss, PIPELINE_AXIS), jax.tree_util.tree_map(lambda g: g[None], grads)',
    '',
    '',
    'def pipeline_step_1f1b(mesh, stage_params, microbatches, targets):',
    "    \"\"\"Loss and gradients of one step run as 1F1B: what pipeline_step computes, in 1F1B's order.\"\"\"",
    '    run = shard_map(one_f_one_b, mesh=mesh, in_specs=(P(PIPELINE_AXIS), P(), P()), out_specs=(P(), P(PIPELINE_AXIS)))',
    '    return run(stage_params, microbatches, targets)',
  ];
}
