/**
 * The Report's `model` section: what the global program is before any partitioning — parameter count,
 * op count, FLOPs (the algorithm's and the executed, which adds rematerialisation) and bytes of values
 * by category.
 */
import { bytesOf, opFlops } from '../ir/flops';
import { numElements } from '../ir/shape';
import type { Phase, Program } from '../ir/types';
import type { ModelSummary } from '../report';
import { isRecomputed } from './autodiff';

/**
 * Bytes by category are totals over values, not a peak (the simulator computes peaks per device):
 * `params`, `optimizer` and `batch` are the inputs of those roles; `gradients` the values with role
 * 'gradient'; `activations` the forward values (not inputs) that a backward op reads — with remat only
 * the block inputs; `temporaries` every other op result.
 */
export function summarize(program: Program): ModelSummary {
  let parameters = 0;
  const bytes = { params: 0, optimizer: 0, gradients: 0, activations: 0, temporaries: 0, batch: 0 };
  for (const v of program.inputs) {
    const val = program.values[v];
    const n = bytesOf(program, v);
    if (val.role === 'param') { parameters += numElements(val.type.shape); bytes.params += n; }
    else if (val.role === 'optimizer') bytes.optimizer += n;
    else if (val.role === 'batch') bytes.batch += n;
    else bytes.temporaries += n;
  }

  const readByBackward = new Uint8Array(program.values.length);
  const byPhase: Record<Phase, number> = { forward: 0, backward: 0, optimizer: 0 };
  let executed = 0, model = 0;
  for (const op of program.ops) {
    const f = opFlops(op, program);
    executed += f;
    byPhase[op.phase] += f;
    if (!isRecomputed(op)) model += f;
    if (op.phase === 'backward') for (const v of op.operands) readByBackward[v] = 1;
  }

  for (const op of program.ops) {
    for (const v of op.results) {
      const val = program.values[v];
      const n = bytesOf(program, v);
      if (val.role === 'gradient') bytes.gradients += n;
      else if (op.phase === 'forward' && readByBackward[v]) bytes.activations += n;
      else bytes.temporaries += n;
    }
  }

  return { name: program.name, parameters, ops: program.ops.length, flops: { model, executed, byPhase }, bytes };
}
