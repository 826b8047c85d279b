/**
 * Gradient accumulation over parameters stored sharded (ZeRO-3, FSDP FULL_SHARD): which collectives run
 * once per micro-batch.
 *
 * FSDP never holds a whole parameter or a whole gradient between micro-batches: each micro-batch gathers
 * the parameters it uses (and frees them after use), and reduce-scatters its gradient into an accumulator
 * sharded like the parameter (PyTorch FSDP without `no_sync`; DeepSpeed ZeRO-3 likewise). Accumulating the
 * unsharded gradient and reduce-scattering once would keep a full gradient of every parameter for the
 * whole step, which is what ZeRO-3 exists to avoid. So, for a parameter stored tiled over some axes:
 * - an all-gather of it over those axes runs per micro-batch (where it is used), and
 * - the reduce-scatter of its gradient over those axes runs per micro-batch: the accumulated value is the
 *   shard, and the bytes moved are the reduce-scatter's, once per micro-batch.
 * Averaging over micro-batches commutes with the reduce-scatter (a sum), so the step computes the same
 * update either way (the MPMD interpreter checks it). Parameters replicated over the data-parallel axis
 * (plain data parallelism, ZeRO-1/2) keep the one reduction after the last micro-batch, as Megatron-LM's
 * distributed optimizer does.
 */
import type { Program } from '../ir/types';
import type { SpmdProgram } from '../spmd/types';

/** Ops that keep every element of their operand: a parameter cast or reshaped is still that parameter. */
const SAME_ELEMENTS: ReadonlySet<string> = new Set(['convert', 'reshape', 'transpose']);

const PARAM_PREFIX = 'params/';
const GRAD_PREFIX = 'grads/';

/** The value `v` is made from through same-element ops only (itself when it is not such an op's result). */
function origin(p: Program, v: number): number {
  let cur = v;
  for (;;) {
    const def = p.values[cur].def;
    if (def < 0 || !SAME_ELEMENTS.has(p.ops[def].kind)) return cur;
    cur = p.ops[def].operands[0];
  }
}

/** The gradient's name (`grads/…`) that `v` is made from through same-element ops, if any. */
function gradientName(p: Program, v: number): string | undefined {
  let cur = v;
  for (;;) {
    const name = p.values[cur].name;
    if (p.values[cur].role === 'gradient' && name?.startsWith(GRAD_PREFIX)) return name;
    const def = p.values[cur].def;
    if (def < 0 || !SAME_ELEMENTS.has(p.ops[def].kind)) return undefined;
    cur = p.ops[def].operands[0];
  }
}

/** Per op of `spmd.program`: 1 when it is an FSDP collective that runs once per micro-batch (module comment). */
export function fsdpPerMicrobatch(spmd: SpmdProgram): Uint8Array {
  const p = spmd.program;
  const out = new Uint8Array(p.ops.length);
  // parameter inputs: the mesh axes each is stored tiled over, by local value and by gradient name
  const tiledOverByInput = new Map<number, Set<string>>();
  const tiledOverByGrad = new Map<string, Set<string>>();
  spmd.global.inputs.forEach((gv, i) => {
    const name = spmd.global.values[gv].name;
    if (spmd.global.values[gv].role !== 'param' || !name?.startsWith(PARAM_PREFIX)) return;
    const axes = new Set(spmd.inputShardings[i].dims.flat());
    if (axes.size === 0) return;
    tiledOverByInput.set(p.inputs[i], axes);
    tiledOverByGrad.set(GRAD_PREFIX + name.slice(PARAM_PREFIX.length), axes);
  });
  const within = (axes: readonly string[], stored: Set<string> | undefined) => stored !== undefined && axes.length > 0 && axes.every((a) => stored.has(a));
  for (const op of p.ops) {
    if (op.kind !== 'all_gather' && op.kind !== 'reduce_scatter') continue;
    const axes = (op.attrs as { axes: readonly string[] }).axes;
    const operand = op.operands[0];
    if (op.kind === 'all_gather' && within(axes, tiledOverByInput.get(origin(p, operand)))) out[op.id] = 1;
    if (op.kind === 'reduce_scatter') {
      const g = gradientName(p, operand);
      if (g !== undefined && within(axes, tiledOverByGrad.get(g))) out[op.id] = 1;
    }
  }
  return out;
}
