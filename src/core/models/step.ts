/**
 * The tail shared by every zoo training step: gradients of the loss with respect to every parameter,
 * then the optimizer update, then the outputs (updated params, updated optimizer state, loss).
 */
import type { ProgramBuilder } from '../ir/builder';
import type { ValueId } from '../ir/types';
import { grad, type RematSegment } from './autodiff';
import { applyOptimizer, type OptimizerState } from './optimizer';

export function finishTrainingStep(
  b: ProgramBuilder, loss: ValueId, params: readonly ValueId[], state: OptimizerState, remat: readonly RematSegment[] = [],
): void {
  const grads = grad(b, loss, params, { remat });
  applyOptimizer(b, state, grads);
  b.output(loss, 'loss');
}
