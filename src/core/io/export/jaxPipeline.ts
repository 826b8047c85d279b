/**
 * The pipeline part of the JAX export: the stage assignment and the schedule, gradient accumulation as
 * runnable code, and a plain statement of what jax.jit cannot express.
 */
import type { PipelineJson } from '../../report';

export function jaxPipelineSection(pl: PipelineJson): string[] {
  const out: string[] = ['', ''];
  out.push(
    `# ---- ${pl.axis ? 'Pipeline' : 'Gradient accumulation'} (${pl.tactic}) ----`,
    `# ${pl.microbatches} micro-batches per step; their gradients are averaged, then the optimizer runs once.`,
  );
  if (pl.axis) {
    out.push(
      `# Schedule ${pl.schedule} over mesh axis "${pl.axis}": ${pl.stages} stages${pl.virtual > 1 ? `, ${pl.virtual} model chunks per stage` : ''}.`,
      '# The embedding runs on the first stage and the loss on the last. Layers of each stage (first, last):',
      `PIPELINE_SCHEDULE = ${JSON.stringify(pl.schedule)}`,
      `PIPELINE_AXIS = ${JSON.stringify(pl.axis)}`,
      `STAGE_LAYERS = {${pl.perStage.map((s) => `${s.stage}: [${s.layers.map(([a, b]) => `(${a}, ${b - 1})`).join(', ')}]`).join(', ')}}`,
      '#',
      '# What JAX cannot express: jax.jit compiles one SPMD program for every device, so it has no way to give the',
      `# devices along "${pl.axis}" different layers or to order their forward and backward passes as ${pl.schedule} does`,
      '# (point-to-point sends between per-stage programs). The shardings above are those of one micro-batch with',
      `# "${pl.axis}" left replicated. To run the pipeline, split the step into per-stage programs yourself (one jax.jit`,
      '# per stage, sending activations and their gradients between stages), or use an MPMD framework; a GPipe-style',
      '# schedule can also be written inside one program with jax.shard_map over the pipeline axis, circulating',
      '# activations with jax.lax.ppermute. The explorer does not generate that code.',
    );
  }
  out.push(
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
  );
  return out;
}
