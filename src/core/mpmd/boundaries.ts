/**
 * What crosses each pipeline stage's boundary: the values a stage sends point to point to another stage
 * (and so the other receives) once per micro-batch, from the MPMD plan's sends. A forward pass sends
 * activations down the pipeline, a backward pass their gradients back up.
 */
import type { Program } from '../ir/types';
import type { StageBoundaryJson } from '../report';
import { deviceOf, PASSES, type MpmdPlan } from './plan';

/**
 * A value's label: its name when it has one, else where it is made (`add in layer_3/mlp`), which is
 * what autodiff's unnamed cotangents and the residual stream's intermediate sums are known by.
 */
function valueLabel(program: Program, v: number): string {
  const val = program.values[v];
  if (val.name !== undefined) return val.name;
  const op = program.ops[val.def];
  return op.scope ? `${op.kind} in ${op.scope}` : `${op.kind} #${op.id}`;
}

/**
 * Per stage: its outgoing (`out`) and incoming (`in`) values, in program order, each with its per-device
 * shape and bytes per micro-batch. `bytes[v]` is value v's size on one device.
 */
export function stageBoundaries(plan: MpmdPlan, bytes: ArrayLike<number>): StageBoundaryJson[][] {
  const p = plan.program;
  const out: StageBoundaryJson[][] = Array.from({ length: plan.stages }, () => []);
  const sends = [...plan.microSends].sort((a, b) => a[0] - b[0]);
  for (const [v, to] of sends) {
    const def = p.values[v].def;
    const chunk = plan.chunkOf[def];
    const from = deviceOf(plan, chunk);
    const base = {
      value: valueLabel(p, v),
      shape: [...p.values[v].type.shape],
      dtype: p.values[v].type.dtype,
      bytes: bytes[v],
      chunk,
      pass: PASSES[plan.pass[def]],
    };
    for (const d of to) {
      out[from].push({ ...base, direction: 'out', peer: d });
      out[d].push({ ...base, direction: 'in', peer: from });
    }
  }
  return out;
}
