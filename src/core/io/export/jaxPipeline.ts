/**
 * The pipeline part of the JAX export (docs/pipelines.md "Exports").
 *
 * A pipeline: the stage assignment and the schedule as constants, and a runnable GPipe in one SPMD program:
 * `shard_map` over the pipeline axis, each device holding its stage's parameters, a `lax.scan` over the
 * micro-batches plus the p−1 fill steps, activations sent to the next stage with `lax.ppermute`. `jax.grad`
 * of it is GPipe's backward: the scan's transpose runs the steps in reverse and ppermute's transpose sends
 * each gradient to the previous stage, and a stage's weight gradients are summed over the micro-batches.
 * The other schedules fall back to that code, and the header says what JAX cannot express about them.
 * A `__main__` check runs it on `stages` devices against the same layers without a pipeline.
 *
 * Gradient accumulation alone (Microbatch): `accumulate_gradients`, a `lax.scan` over micro-batches.
 */
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
    'from functools import partial',
    '',
    'import jax.numpy as jnp',
    'import numpy as np',
    'from jax.experimental.shard_map import shard_map',
    '',
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
    'def pipeline_step(mesh, stage_params, microbatches, targets):',
    '    """Loss and gradients of one pipelined step (mean squared error: a stand-in for your loss).',
    '',
    '    The mean over all micro-batches makes the gradient the average of the micro-batches\' gradients:',
    '    gradient accumulation. jax.grad runs the backward passes in reverse pipeline order (GPipe).',
    '    """',
    '    run = shard_map(gpipe, mesh=mesh, in_specs=(P(PIPELINE_AXIS), P()), out_specs=P())',
    '    return jax.value_and_grad(lambda p: jnp.mean((run(p, microbatches) - targets) ** 2))(stage_params)',
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
    '    loss, grads = jax.jit(partial(pipeline_step, pp_mesh))(stage_params, xs, ys)',
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
        '# Not expressible: 1F1B. jax.grad of a scan runs every forward before any backward, so the code below runs',
        '# GPipe: the same gradients, but all NUM_MICROBATCHES micro-batches in flight on a stage rather than at most',
        '# NUM_STAGES. Interleaving forwards and backwards needs a hand-written schedule of per-step jax.vjp calls.',
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
