/**
 * Building blocks shared by the zoo models, written with the builder's plain ops so that autodiff,
 * the partitioner and the interpreters see nothing special. Each works at the dtype of its input.
 */
import type { ProgramBuilder } from '../ir/builder';
import type { ValueId } from '../ir/types';
import { customVjp, stopGradient } from './autodiff';

const range = (n: number): number[] => Array.from({ length: n }, (_, i) => i);

/** x · w + bias over the last dim of x: [..., dIn] × [dIn, dOut] → [..., dOut]. */
export function dense(b: ProgramBuilder, x: ValueId, w: ValueId, bias?: ValueId): ValueId {
  const r = b.shape(x).length;
  const y = b.dot(x, w, { lhsBatch: [], rhsBatch: [], lhsContract: [r - 1], rhsContract: [0] });
  return bias === undefined ? y : b.add(y, b.broadcastTo(bias, b.shape(y)));
}

/** Multiplies by a scalar (emitted as a splat constant of x's shape and dtype). */
export function scale(b: ProgramBuilder, x: ValueId, s: number): ValueId {
  return b.mul(x, b.full(x, s));
}

/** Mean over `dims`. */
export function mean(b: ProgramBuilder, x: ValueId, dims: readonly number[]): ValueId {
  const shape = b.shape(x);
  const n = dims.reduce((p, d) => p * shape[d], 1);
  return scale(b, b.sum(x, dims), 1 / n);
}

/** (x − mean) / √(var + eps) over the last dim, and the 1/√(var + eps) factor [..]. */
function normalize(b: ProgramBuilder, x: ValueId, eps: number): { xhat: ValueId; inv: ValueId } {
  const shape = b.shape(x);
  const r = shape.length;
  const outer = range(r - 1);
  const xc = b.sub(x, b.broadcast(mean(b, x, [r - 1]), shape, outer));
  const variance = mean(b, b.mul(xc, xc), [r - 1]);
  const inv = b.unary('rsqrt', b.add(variance, b.full(variance, eps)));
  return { xhat: b.mul(xc, b.broadcast(inv, shape, outer)), inv };
}

/**
 * LayerNorm over the last dim, with learned scale and bias [d]. Its backward reads only the input x
 * (the statistics are recomputed), as in Korthikanti et al.'s count of 2·s·b·h bytes per LayerNorm.
 */
export function layerNorm(b: ProgramBuilder, x: ValueId, gamma: ValueId, beta: ValueId, eps = 1e-5): ValueId {
  const start = b.ops.length;
  const shape = b.shape(x);
  const { xhat } = normalize(b, x, eps);
  const y = b.add(b.mul(xhat, b.broadcastTo(gamma, shape)), b.broadcastTo(beta, shape));
  return customVjp(b, start, [x, gamma, beta], y, (c) => {
    const shape2 = b.shape(c.g);
    const r = shape2.length;
    const outer = range(r - 1);
    const { xhat: xh, inv } = normalize(c.b, c.x(0), eps);
    const dBeta = c.needs[2] ? b.sum(c.g, outer) : undefined;
    const dGamma = c.needs[1] ? b.sum(b.mul(c.g, xh), outer) : undefined;
    let dx: ValueId | undefined;
    if (c.needs[0]) {
      // dx = inv · (ĝ − mean(ĝ) − x̂ · mean(ĝ · x̂)) with ĝ = g · γ
      const gh = b.mul(c.g, b.broadcastTo(c.x(1), shape2));
      const m1 = b.broadcast(mean(b, gh, [r - 1]), shape2, outer);
      const m2 = b.broadcast(mean(b, b.mul(gh, xh), [r - 1]), shape2, outer);
      dx = b.mul(b.broadcast(inv, shape2, outer), b.sub(b.sub(gh, m1), b.mul(xh, m2)));
    }
    return [dx, dGamma, dBeta];
  });
}

const GELU_K = Math.sqrt(2 / Math.PI);
const GELU_A = 0.044715;

/**
 * GELU, tanh form: 0.5·x·(1 + tanh(√(2/π)·(x + 0.044715·x³))). The backward recomputes from x alone,
 * so only the pre-activation is kept (not the half-dozen intermediates of the formula).
 */
export function gelu(b: ProgramBuilder, x: ValueId): ValueId {
  const start = b.ops.length;
  const x3 = b.mul(b.mul(x, x), x);
  const inner = scale(b, b.add(x, scale(b, x3, GELU_A)), GELU_K);
  const t = b.add(b.full(x, 1), b.unary('tanh', inner));
  const y = b.mul(scale(b, x, 0.5), t);
  return customVjp(b, start, [x], y, (c) => {
    // d/dx = 0.5·(1 + t) + 0.5·x·(1 − t²)·k·(1 + 3a·x²),  t = tanh(k·(x + a·x³))
    const xv = c.x(0);
    const x2 = b.mul(xv, xv);
    const th = b.unary('tanh', scale(b, b.add(xv, scale(b, b.mul(x2, xv), GELU_A)), GELU_K));
    const one = b.full(xv, 1);
    const dInner = scale(b, b.add(one, scale(b, x2, 3 * GELU_A)), GELU_K);
    const slope = b.add(scale(b, b.add(one, th), 0.5), b.mul(b.mul(scale(b, xv, 0.5), b.sub(one, b.mul(th, th))), dInner));
    return [b.mul(c.g, slope)];
  });
}

/**
 * Softmax over the last dim, with the max subtracted for stability. The max is a stop-gradient (the
 * result does not depend on it); the backward reads only the output p: dx = p·(g − Σ g·p).
 */
export function softmax(b: ProgramBuilder, x: ValueId): ValueId {
  const start = b.ops.length;
  const shape = b.shape(x);
  const r = shape.length;
  const outer = range(r - 1);
  const m = stopGradient(b, b.reduce(x, 'max', [r - 1]));
  const e = b.exp(b.sub(x, b.broadcast(m, shape, outer)));
  const p = b.div(e, b.broadcast(b.sum(e, [r - 1]), shape, outer));
  return customVjp(b, start, [x], p, (c) => {
    const y = c.y();
    const dot = b.broadcast(b.sum(b.mul(c.g, y), [r - 1]), shape, outer);
    return [b.mul(y, b.sub(c.g, dot))];
  });
}

/**
 * Mean softmax cross-entropy of `logits` [..., V] against integer `targets` [...]: log-sum-exp with the
 * max subtracted, minus the target logit, picked by a one-hot compare against an iota.
 */
export function softmaxCrossEntropy(b: ProgramBuilder, logits: ValueId, targets: ValueId): ValueId {
  const shape = b.shape(logits);
  const r = shape.length;
  const outer = range(r - 1);
  const m = stopGradient(b, b.reduce(logits, 'max', [r - 1]));
  const shifted = b.sub(logits, b.broadcast(m, shape, outer));
  const lse = b.log(b.sum(b.exp(shifted), [r - 1]));
  const classes = b.iota(shape, r - 1, 'i32');
  const onehot = b.compare(classes, b.broadcast(targets, shape, outer), 'EQ');
  const picked = b.sum(b.select(onehot, shifted, b.full(shifted, 0)), [r - 1]);
  return mean(b, b.sub(lse, picked), outer);
}

/** Mean squared error over all elements. */
export function meanSquaredError(b: ProgramBuilder, pred: ValueId, target: ValueId): ValueId {
  const d = b.sub(pred, target);
  return mean(b, b.mul(d, d), range(b.shape(d).length));
}
