import { UserError } from '../errors';
import { opFlops } from '../ir/flops';
import type { Program } from '../ir/types';
import { numel } from './tensor';

/** Above this many element operations the interpreter would take minutes or run out of memory. */
export const INTERPRET_LIMIT = 2e8;

/**
 * Elements an interpretation touches: every op's operands and results, plus its arithmetic
 * (a dot or convolution touches far more than its inputs and outputs).
 */
export function interpretCost(program: Program): number {
  let cost = 0;
  for (const op of program.ops) {
    for (const v of op.operands) cost += numel(program.values[v].type.shape);
    for (const v of op.results) cost += numel(program.values[v].type.shape);
    cost += opFlops(op, program);
  }
  return cost;
}

/** Throws a UserError when interpreting `program` `times` times (once per device) is too large. */
export function checkInterpretable(program: Program, times = 1, limit = INTERPRET_LIMIT): void {
  const cost = interpretCost(program) * times;
  if (cost > limit)
    throw new UserError(
      'interp-too-large',
      `program "${program.name}" is too large to interpret: about ${cost.toExponential(2)} element operations` +
        `${times > 1 ? ` over ${times} devices` : ''} (limit ${limit.toExponential(0)}). ` +
        'Verify with smaller shapes: fewer layers and a smaller batch, seq, dModel, dFF and vocab.',
    );
}
