import { UserError } from '../errors';
import type { Op, Program, ValueId } from '../ir/types';
import { attention, attentionGrad } from './attention';
import { convolution } from './conv';
import { binaryKernel, selectKernel, unaryKernel } from './elementwise';
import {
  broadcastInDim, concatenate, constant, dotGeneral, dynamicSlice, dynamicUpdateSlice, gather, iota, reduce,
  scatterAdd, slice, transpose,
} from './kernels';
import { numel } from './tensor';

/**
 * The reference interpreter: the ground truth that partitioned programs are judged against.
 *
 * Buffers are row-major Float32Arrays, one per value. i32 and bool values are stored as numbers in
 * them (bool as 0/1; i32 exactly up to 2^24); bf16 and f16 are computed in f32 (no rounding to the
 * narrow type), since partitioning never changes precision. Accumulations (dot, reduce, conv,
 * attention, scatter) run in f64 and round once.
 */

const where = (op: Op): string => `op #${op.id} (${op.kind}${op.scope ? ` in ${op.scope}` : ''})`;

/**
 * Evaluates one non-collective op on its operand buffers, reading shapes from `program`.
 * The SPMD interpreter calls this with the per-device program, so shapes are local there.
 */
export function evalOp(op: Op, program: Program, ins: readonly Float32Array[]): Float32Array[] {
  const shape = (i: number): readonly number[] => program.values[op.operands[i]].type.shape;
  const dtype = (i: number) => program.values[op.operands[i]].type.dtype;
  switch (op.kind) {
    case 'negate': case 'exp': case 'log': case 'tanh': case 'rsqrt': case 'sqrt': case 'logistic': case 'abs':
      return [unaryKernel(op.kind, ins[0], dtype(0))];
    case 'convert':
      return [unaryKernel('convert', ins[0], dtype(0), op.attrs.dtype)];
    case 'add': case 'subtract': case 'multiply': case 'divide': case 'maximum': case 'minimum': case 'power':
      return [binaryKernel(op.kind, ins[0], ins[1], dtype(0))];
    case 'compare':
      return [binaryKernel('compare', ins[0], ins[1], dtype(0), op.attrs.direction)];
    case 'select':
      return [selectKernel(ins[0], ins[1], ins[2])];
    case 'dot_general':
      return [dotGeneral(ins[0], shape(0), ins[1], shape(1), op.attrs)];
    case 'broadcast_in_dim':
      return [broadcastInDim(ins[0], shape(0), op.attrs)];
    case 'reduce':
      return [reduce(ins[0], shape(0), op.attrs)];
    case 'transpose':
      return [transpose(ins[0], shape(0), op.attrs.perm)];
    case 'reshape':
      return [new Float32Array(ins[0])];
    case 'concatenate':
      return [concatenate(ins, op.operands.map((_, i) => shape(i)), op.attrs.dim)];
    case 'slice':
      return [slice(ins[0], shape(0), op.attrs)];
    case 'dynamic_slice':
      return [dynamicSlice(ins[0], shape(0), ins.slice(1).map((x) => x[0]), op.attrs.sizes)];
    case 'dynamic_update_slice':
      return [dynamicUpdateSlice(ins[0], shape(0), ins[1], shape(1), ins.slice(2).map((x) => x[0]))];
    case 'gather':
      return [gather(ins[0], shape(0), ins[1], op.attrs.axis)];
    case 'scatter':
      return [scatterAdd(ins[0], shape(0), ins[1], ins[2], op.attrs.axis)];
    case 'convolution':
      return [convolution(ins[0], shape(0), ins[1], shape(1), op.attrs)];
    case 'iota':
      return [iota(op.attrs)];
    case 'constant':
      return [constant(op.attrs)];
    case 'attention':
      return [attention(ins[0], shape(0), ins[1], shape(1), ins[2], op.attrs.causal, op.attrs.scale)];
    case 'attention_grad':
      return attentionGrad(ins[0], shape(0), ins[1], shape(1), ins[2], ins[3], op.attrs.causal, op.attrs.scale);
    case 'custom':
      throw new UserError('interp', `cannot interpret custom op "${op.attrs.name}" (${where(op)}): its semantics are unknown to the interpreter`);
    default:
      throw new UserError('interp', `${where(op)} is a collective: it only runs in the SPMD interpreter (runSpmd)`);
  }
}

/** Checks that `inputs` match the program's inputs in number and element count. */
export function checkInputs(program: Program, inputs: readonly Float32Array[]): void {
  if (inputs.length !== program.inputs.length)
    throw new UserError('interp', `program "${program.name}" takes ${program.inputs.length} input(s), got ${inputs.length}`);
  program.inputs.forEach((v, i) => {
    const t = program.values[v].type;
    const n = numel(t.shape);
    if (inputs[i].length !== n)
      throw new UserError('interp', `input ${i} (${program.values[v].name ?? `value ${v}`}) of shape [${t.shape.join(',')}] needs ${n} elements, got ${inputs[i].length}`);
  });
}

/**
 * Runs the program and returns every value's buffer (index = ValueId); inputs are the given arrays
 * themselves (not copied). For debugging and tests.
 */
export function runProgramValues(program: Program, inputs: readonly Float32Array[]): Float32Array[] {
  return execute(program, inputs, false);
}

/** Runs the program on row-major buffers; returns the outputs in `program.outputs` order. */
export function runProgram(program: Program, inputs: readonly Float32Array[]): Float32Array[] {
  const buf = execute(program, inputs, true);
  return program.outputs.map((o) => buf[o.value]);
}

/** Evaluates the ops in order; with `dropDead`, frees each buffer after its last reader (outputs kept). */
function execute(program: Program, inputs: readonly Float32Array[], dropDead: boolean): Float32Array[] {
  checkInputs(program, inputs);
  const buf = new Array<Float32Array>(program.values.length);
  program.inputs.forEach((v, i) => {
    buf[v] = inputs[i];
  });
  const last = dropDead ? lastReaders(program) : undefined;
  program.ops.forEach((op, i) => {
    const outs = evalOp(op, program, op.operands.map((v: ValueId) => buf[v]));
    op.results.forEach((r, k) => {
      buf[r] = outs[k];
    });
    if (last) for (const v of op.operands) if (last[v] === i) delete buf[v];
  });
  return buf;
}

/** Index of the last op that reads each value (-1 if none); program outputs count as read at the end. */
export function lastReaders(p: Program): Int32Array {
  const last = new Int32Array(p.values.length).fill(-1);
  p.ops.forEach((op, i) => {
    for (const v of op.operands) last[v] = i;
  });
  for (const o of p.outputs) last[o.value] = p.ops.length;
  return last;
}
