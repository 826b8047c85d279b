/**
 * Gradient checking against central finite differences on the reference interpreter. Used by the
 * tests of every VJP rule and of whole zoo steps (small shapes only).
 */
import { runProgram, runProgramValues } from '../interp/reference';
import { ProgramBuilder } from '../ir/builder';
import type { Program, ValueId } from '../ir/types';
import { mulberry32 } from '../rng';
import { grad } from './autodiff';

/** A seeded generator of uniform numbers in [0, 1): the core's mulberry32, under the name the tests use. */
export const seededRandom: (seed: number) => () => number = mulberry32;

/** Standard normal samples (Box–Muller), scaled. */
export function normal(n: number, rand: () => number, scale = 1): Float32Array {
  const out = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    const u = Math.max(rand(), 1e-12), v = rand();
    out[i] = scale * Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
  }
  return out;
}

/**
 * A one-op (or few-op) test program: `declare` adds the inputs and computes `out`; the program adds a
 * random cotangent input `ct` of out's type, the loss Σ out·ct (so the check covers the whole VJP, not
 * one direction) and d loss / d wrt. Outputs: loss, then one gradient per wrt.
 */
export function vjpProgram(name: string, declare: (b: ProgramBuilder) => { wrt: ValueId[]; out: ValueId }): Program {
  const b = new ProgramBuilder(name);
  const { wrt, out } = declare(b);
  const ct = b.input('ct', b.type(out));
  const rank = b.shape(out).length;
  const loss = b.sum(b.mul(out, ct), Array.from({ length: rank }, (_, i) => i));
  const grads = grad(b, loss, wrt);
  b.output(loss, 'loss');
  grads.forEach((g, i) => b.output(g, `grad_${i}`));
  return b.build();
}

export interface GradCheckResult {
  /** Largest |autodiff − finite difference| / max(1, |finite difference|). */
  maxError: number;
  /** Where it happened, for the failure message. */
  worst: string;
  checked: number;
}

const perturbed = (inputs: readonly Float32Array[], j: number, e: number, delta: number): Float32Array[] => {
  const copy = inputs.slice();
  copy[j] = new Float32Array(inputs[j]);
  copy[j][e] += delta;
  return copy;
};

/**
 * Checks every element of the gradients of a `vjpProgram` (outputs: loss, then one gradient per
 * entry of `wrtInputs`, the positions of the wrt values among the program inputs).
 */
export function checkVjp(program: Program, inputs: readonly Float32Array[], wrtInputs: readonly number[], eps = 1e-2): GradCheckResult {
  const outs = runProgram(program, inputs);
  const res: GradCheckResult = { maxError: 0, worst: '', checked: 0 };
  wrtInputs.forEach((j, k) => {
    const g = outs[1 + k];
    for (let e = 0; e < inputs[j].length; e++) {
      const up = runProgram(program, perturbed(inputs, j, e, eps))[0][0];
      const down = runProgram(program, perturbed(inputs, j, e, -eps))[0][0];
      note(res, g[e], (up - down) / (2 * eps), `input ${j} element ${e}`);
    }
  });
  return res;
}

function note(res: GradCheckResult, ad: number, fd: number, where: string): void {
  const err = Math.abs(ad - fd) / Math.max(1, Math.abs(fd));
  res.checked++;
  if (!(err <= res.maxError)) {
    res.maxError = Number.isNaN(err) ? Infinity : err;
    res.worst = `${where}: autodiff ${ad}, finite difference ${fd}`;
  }
}

/**
 * Checks a whole step: for each parameter, the directional derivative of the `loss` output along a
 * random unit direction in that parameter alone, against Σ grad·direction with the gradient read by
 * name (`grads/...`). Errors are relative to max(|finite difference|, floor).
 */
export function checkStepGradients(program: Program, inputs: readonly Float32Array[], seed: number, eps = 1e-2, floor = 1e-2): GradCheckResult {
  const lossOut = program.outputs.findIndex((o) => o.name === 'loss');
  const params = program.inputs.map((v, j) => ({ v, j })).filter(({ v }) => program.values[v].role === 'param');
  const gradOf = new Map<string, ValueId>();
  for (const v of program.values) if (v.name?.startsWith('grads/')) gradOf.set(v.name, v.id);
  const all = runProgramValues(program, inputs);
  const rand = seededRandom(seed);
  const res: GradCheckResult = { maxError: 0, worst: '', checked: 0 };
  for (const { v, j } of params) {
    const name = program.values[v].name ?? '';
    const gid = gradOf.get(`grads/${name.slice('params/'.length)}`);
    if (gid === undefined) throw new Error(`no gradient named for ${name}`);
    const g = all[gid];
    const dir = normal(g.length, rand);
    const norm = Math.sqrt(dir.reduce((a, x) => a + x * x, 0));
    let ad = 0;
    for (let e = 0; e < dir.length; e++) { dir[e] /= norm; ad += dir[e] * g[e]; }
    const lossAt = (sign: number) => {
      const copy = inputs.slice();
      copy[j] = new Float32Array(inputs[j]);
      for (let e = 0; e < dir.length; e++) copy[j][e] += sign * eps * dir[e];
      return runProgram(program, copy)[lossOut][0];
    };
    const fd = (lossAt(1) - lossAt(-1)) / (2 * eps);
    const err = Math.abs(ad - fd) / Math.max(floor, Math.abs(fd));
    res.checked++;
    if (!(err <= res.maxError)) {
      res.maxError = Number.isNaN(err) ? Infinity : err;
      res.worst = `${name}: autodiff ${ad}, finite difference ${fd}`;
    }
  }
  return res;
}
