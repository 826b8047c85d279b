/**
 * The schedule's result as JAX code (jax.sharding.NamedSharding over a Mesh): a `Mesh` over the config's axes, a
 * `NamedSharding(mesh, P(...))` for every input and output in nested dicts mirroring their paths,
 * `with_sharding_constraint`s for the intermediates a tactic seeds, and the `jax.jit` call.
 * JAX lowers these to the same `sdy.sharding`s the sdy export writes.
 */
import type { Config } from '../config';
import type { Program, ValueId } from '../../ir/types';
import { formatShardedType } from '../../partition/sharding';
import type { Sharding } from '../../partition/types';
import { jaxAccumulationSection, jaxPipelineProgram } from './jaxPipeline';
import type { PipelineResult } from '../../pipeline';
import { pyText } from './escape';
import { pathTree, pyDict, pyIdent, pyKey, pyStr, type PathTree } from './python';

/**
 * `P('batch', None)`; a dim tiled by several axes is a tuple, major → minor (`P(('batch', 'model'), None)`);
 * a scalar is `P()`. Partial axes are left out: PartitionSpec cannot say "unreduced".
 */
export function partitionSpec(s: Sharding): string {
  const dims = s.dims.map((axes) => {
    if (axes.length === 0) return 'None';
    if (axes.length === 1) return pyStr(axes[0]);
    return `(${axes.map(pyStr).join(', ')})`;
  });
  return `P(${dims.join(', ')})`;
}

/** The part of the export a caller may want without the surrounding code (the UI's preview, tests). */
export interface JaxShardingEntry {
  path: string;
  value: ValueId;
  sharding: Sharding;
  spec: string;
  /** Axes over which the value is partial; not expressible in JAX, so only a comment says so. */
  partial: readonly string[];
}

/**
 * Inputs and outputs with the shardings the per-device program takes and returns (an output is
 * reduced, and an updated parameter keeps its input's layout), and the seeded named intermediates
 * with their propagated sharding.
 */
export function jaxShardingEntries(result: Pick<PipelineResult, 'program' | 'partition' | 'spmd'>): {
  inputs: JaxShardingEntry[]; outputs: JaxShardingEntry[]; intermediates: JaxShardingEntry[];
} {
  const { program: p, partition, spmd } = result;
  const entry = (path: string, value: ValueId, s: Sharding): JaxShardingEntry => ({ path, value, sharding: s, spec: partitionSpec(s), partial: s.partial });
  const inputs = p.inputs.map((v, i) => entry(p.values[v].name ?? `%${v}`, v, spmd.inputShardings[i]));
  const outputs = p.outputs.map((o, i) => entry(o.name, o.value, spmd.outputShardings[i]));
  // named values a tactic seeded that are neither inputs nor outputs: JAX pins them inside the step
  const seen = new Set<ValueId>();
  const intermediates: JaxShardingEntry[] = [];
  for (const stage of partition.stages) {
    for (const { value } of stage.seeded) {
      const v = p.values[value];
      if (seen.has(value) || v.def < 0 || v.name === undefined) continue;
      seen.add(value);
      intermediates.push(entry(v.name, value, partition.shardings[value]));
    }
  }
  return { inputs, outputs, intermediates };
}

export function exportJax(result: PipelineResult, config: Config): string {
  const { program: p, mesh, partition } = result;
  const { inputs, outputs, intermediates } = jaxShardingEntries(result);
  const leaf = (e: JaxShardingEntry) => ({ expr: `NamedSharding(mesh, ${e.spec})`, comment: typeComment(p, e) });
  const inTree = pathTree(inputs.map((e) => ({ path: e.path, value: e })), 'inputs');
  const outTree = pathTree(outputs.map((e) => ({ path: e.path, value: e })), 'outputs');

  const taken = new Set<string>(['jax', 'mesh', 'devices', 'step', 'in_shardings', 'out_shardings', 'intermediate_shardings', 'constrain', 'P', 'NamedSharding', 'Mesh', 'mesh_utils']);
  const groups = [...inTree.keys()];
  const argNames = groups.map((g) => pyIdent(g, taken));
  const stages = partition.stages.map((s) => `${pyText(s.tactic)} on "${pyText(s.axis)}"`).join(', ') || 'none';
  const pipeline = result.report.pipeline;
  const partialCount = intermediates.filter((e) => e.partial.length > 0).length + inputs.filter((e) => e.partial.length > 0).length;

  const out: string[] = [];
  out.push(
    `# Shardings for ${pyText(p.name)}, exported by PartIR Explorer.`,
    `# Mesh ${mesh.axes.map((a) => `${pyText(a.name)}=${a.size}`).join(' x ')}; hardware ${pyText(config.hardware.preset)}; schedule: ${stages}.`,
    '# Every input and output gets the sharding the schedule propagated to it. A dim tiled by several',
    '# mesh axes is a tuple in the PartitionSpec, major -> minor, in the order the tactics introduced them.',
    '# Partial (unreduced) values cannot be written as a PartitionSpec; the explorer reduces them before',
    `# every output, and marks the ${partialCount === 0 ? 'values (none here)' : 'values'} where one remains "partial over ..." below.`,
    ...(pipeline?.axis ? [`# Pipelined over "${pyText(pipeline.axis)}": after the imports, runnable GPipe code and what JAX cannot express of the schedule.`] : []),
    'import jax',
    'from jax.experimental import mesh_utils',
    'from jax.sharding import Mesh, NamedSharding, PartitionSpec as P',
    // a pipeline's program runs on the pipeline axis alone, so it comes before the whole mesh is made
    ...(pipeline ? jaxPipelineProgram(pipeline) : []),
    '',
    `devices = mesh_utils.create_device_mesh((${mesh.axes.map((a) => a.size).join(', ')}${mesh.axes.length === 1 ? ',' : ''}))`,
    `mesh = Mesh(devices, (${mesh.axes.map((a) => pyStr(a.name)).join(', ')}${mesh.axes.length === 1 ? ',' : ''}))`,
    '',
    `in_shardings = ${pyDict(inTree, leaf)}`,
    '',
    `out_shardings = ${pyDict(outTree, leaf)}`,
    '',
  );

  out.push(
    '# Named intermediates a tactic seeds, keyed by their path in the explorer.',
    `intermediate_shardings = ${pyDict(new Map(intermediates.map((e): [string, PathTree<JaxShardingEntry>] => [e.path, { kind: 'leaf', value: e, path: e.path }])), leaf)}`,
    '',
    '',
    'def constrain(x, name):',
    '    """Pins the intermediate `name` to the sharding the schedule gave it (call it where `x` is computed)."""',
    '    return jax.lax.with_sharding_constraint(x, intermediate_shardings[name])',
    '',
    '',
    `def step(${argNames.join(', ')}):`,
    `    """Your ${config.model && 'zoo' in config.model ? `${pyText(config.model.zoo)} ` : ''}step. It returns ${outputResultDoc(outTree)}.`,
  );
  if (intermediates.length > 0) {
    out.push('', '    Where it computes the intermediates the schedule seeds, pin them:');
    for (const e of intermediates) {
      const v = pyVarName(e.path);
      out.push(`        ${v} = jax.lax.with_sharding_constraint(${v}, NamedSharding(mesh, ${e.spec}))  # ${pyText(e.path)}`);
    }
  }
  out.push(
    '    """',
    '    raise NotImplementedError("write the step here")',
    '',
    '',
    'step_jit = jax.jit(',
    '    step,',
    `    in_shardings=(${groups.map((g) => `in_shardings[${pyKey(g)}]`).join(', ')}${groups.length === 1 ? ',' : ''}),`,
    `    out_shardings=${outShardingsArg(outTree)},`,
    ')',
    '',
  );
  if (pipeline) out.push(...jaxAccumulationSection(pipeline));
  return out.join('\n');
}

function typeComment(p: Program, e: JaxShardingEntry): string {
  const t = pyText(formatShardedType(p.values[e.value].type, { dims: e.sharding.dims, partial: [] }));
  if (e.partial.length === 0) return t;
  return `${t}; partial over ${e.partial.map(pyStr).join(', ')} (unreduced): not expressible in a PartitionSpec`;
}

/** `layer_0/mlp/hidden` → `layer_0_mlp_hidden`, a name for the example constraint line. */
const pyVarName = (path: string): string => pyIdent(path, new Set());

/** Tuple-like outputs (`0`, `1`, … or `out0`, `out1`, … as an imported module names them) pass as a tuple. */
function tupleKeys(tree: Map<string, unknown>): string[] | undefined {
  const keys = [...tree.keys()];
  const numeric = keys.every((k, i) => k === String(i));
  const outN = keys.every((k, i) => k === `out${i}`);
  return keys.length > 0 && (numeric || outN) ? keys : undefined;
}

function outShardingsArg(tree: Map<string, PathTree<JaxShardingEntry>>): string {
  const keys = tupleKeys(tree);
  if (!keys) return 'out_shardings';
  if (keys.length === 1) return `out_shardings[${pyKey(keys[0])}]`;
  return `(${keys.map((k) => `out_shardings[${pyKey(k)}]`).join(', ')})`;
}

function outputResultDoc(tree: Map<string, PathTree<JaxShardingEntry>>): string {
  const keys = tupleKeys(tree);
  if (keys) return keys.length === 1 ? 'one value' : `a tuple of ${keys.length} values`;
  return `a dict with the structure of out_shardings (keys ${[...tree.keys()].map(pyKey).join(', ')})`;
}
