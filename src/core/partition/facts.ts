/**
 * What propagation needs to know about a program, independent of mesh and tactics: op rules, use
 * lists, flat operand/result lists and phases, as typed arrays. Cached per program.
 */
import type { Phase, Program } from '../ir/types';
import { rulesOf, typeIdsOf } from './rules';
import type { OpRule } from './types';

const PHASES: readonly Phase[] = ['forward', 'backward', 'optimizer'];

export interface ProgramFacts {
  readonly rules: (OpRule | null)[];
  readonly useCount: Int32Array;
  readonly userStart: Int32Array;
  readonly userList: Int32Array;
  readonly free: Uint8Array;
  /** For an input read in one phase only: that phase's index in PHASES; else -1. */
  readonly inputPhase: Int8Array;
  readonly opPhase: Int8Array;
  /**
   * For a parameter input named `params/X`, the value named `grads/X` (the zoo's and autodiff's naming
   * of its gradient); -1 for every other value. `paramOf` is the inverse map.
   */
  readonly gradOf: Int32Array;
  readonly paramOf: Int32Array;
  /** The tensors of op o (operands, then results) are tensorValue[tensorStart[o] .. tensorStart[o+1]). */
  readonly tensorStart: Int32Array;
  readonly tensorValue: Int32Array;
  readonly operandCount: Int32Array;
  /**
   * Per value: its defining op (-1 for an input), its rank, and its type id (equal for equal types, see
   * `typeIdsOf`). Flat copies of fields of the value objects, which the hot loops of propagation and the
   * lowering would otherwise chase pointers to, a cache miss each on a 50k-op program.
   */
  readonly valueDef: Int32Array;
  readonly valueRank: Int32Array;
  readonly typeId: Int32Array;
}

// Programs are immutable once built, and the explorer re-partitions one program on every edit of
// the tactics, so its rules and use lists are computed once.
const FACTS = new WeakMap<Program, ProgramFacts>();

export function programFacts(program: Program): ProgramFacts {
  const cached = FACTS.get(program);
  if (cached && cached.useCount.length === program.values.length && cached.rules.length === program.ops.length) return cached;
  const nv = program.values.length;
  const ops = program.ops;
  const no = ops.length;
  // Two passes over the op objects (each visit a cache miss on a 50k-op program): the first counts
  // uses and tensors and reads phases, the second fills the flat user and tensor lists.
  const useCount = new Int32Array(nv);
  const opPhase = new Int8Array(no);
  const tensorStart = new Int32Array(no + 1);
  const operandCount = new Int32Array(no);
  for (let o = 0; o < no; o++) {
    const op = ops[o];
    const operands = op.operands;
    for (let i = 0; i < operands.length; i++) useCount[operands[i]]++;
    operandCount[o] = operands.length;
    tensorStart[o + 1] = tensorStart[o] + operands.length + op.results.length;
    const ph = op.phase;
    opPhase[o] = ph === 'forward' ? 0 : ph === 'backward' ? 1 : PHASES.indexOf(ph);
  }
  const userStart = new Int32Array(nv + 1);
  for (let v = 0; v < nv; v++) userStart[v + 1] = userStart[v] + useCount[v];
  const userList = new Int32Array(userStart[nv]);
  const fill = userStart.slice(0, nv);
  const tensorValue = new Int32Array(tensorStart[no]);
  const rules = rulesOf(program);
  // Results of source ops without a rule (constants, iota), marked here and made free below.
  const sourceResults: number[] = [];
  for (let o = 0; o < no; o++) {
    const op = ops[o];
    const operands = op.operands, results = op.results;
    let at = tensorStart[o];
    for (let i = 0; i < operands.length; i++) {
      const v = operands[i];
      userList[fill[v]++] = o;
      tensorValue[at++] = v;
    }
    for (let i = 0; i < results.length; i++) tensorValue[at++] = results[i];
    if (rules[o] === null && operands.length === 0) for (let i = 0; i < results.length; i++) sourceResults.push(results[i]);
  }
  for (const o of program.outputs) useCount[o.value]++;
  const free = new Uint8Array(nv);
  // A program input is state carried into the step (parameters, optimizer state, a batch). Sharding
  // it is the tactics' decision (PartIR leaves function arguments to them), with one exception:
  // propagation may shard an input whose readers all sit in one phase, from an op of that phase
  // (Megatron's tiled update reaching the Adam moments). An input read in several phases is only
  // sliced locally where an op needs it tiled, so ZeRO-1/2's tiled update does not shard the
  // parameters that the forward pass reads (which would make it ZeRO-3). A parameter whose gradient
  // propagation tiled may follow it (`gradOf` below; `followsGradient` in propagate.ts).
  const inputPhase = new Int8Array(nv).fill(-1);
  for (const v of program.inputs) {
    free[v] = 1;
    let ph = -1;
    for (let i = userStart[v]; i < userStart[v + 1]; i++) {
      const q = opPhase[userList[i]];
      if (ph === -1) ph = q;
      else if (ph !== q) {
        ph = -2;
        break;
      }
    }
    inputPhase[v] = ph >= 0 ? ph : -1;
  }
  // Results of source ops without a rule (constants, iota) can be made in any layout where they are
  // used; with several uses, tying them to one layout would only manufacture conflicts.
  for (const r of sourceResults) if (useCount[r] > 1) free[r] = 1;
  const valueDef = new Int32Array(nv);
  const valueRank = new Int32Array(nv);
  for (let v = 0; v < nv; v++) {
    const val = program.values[v];
    valueDef[v] = val.def;
    valueRank[v] = val.type.shape.length;
  }
  const typeId = typeIdsOf(program);
  const gradOf = new Int32Array(nv).fill(-1), paramOf = new Int32Array(nv).fill(-1);
  const byName = new Map<string, number>();
  for (const v of program.inputs) {
    const name = program.values[v].name;
    if (name?.startsWith('params/')) byName.set(`grads/${name.slice('params/'.length)}`, v);
  }
  if (byName.size > 0) {
    for (let v = 0; v < nv; v++) {
      const val = program.values[v];
      const p = val.role === 'gradient' && val.name !== undefined ? byName.get(val.name) : undefined;
      if (p !== undefined && val.type.shape.length === program.values[p].type.shape.length) {
        gradOf[p] = v;
        paramOf[v] = p;
      }
    }
  }
  const facts = { rules, useCount, userStart, userList, free, inputPhase, opPhase, gradOf, paramOf, tensorStart, tensorValue, operandCount, valueDef, valueRank, typeId };
  FACTS.set(program, facts);
  return facts;
}
