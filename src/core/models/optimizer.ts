/**
 * Optimizer updates emitted into a training step (phase 'optimizer', scope `optimizer/<param path>`).
 *
 * Optimizer state mirrors the params without the `params/` prefix: `opt_state/mu/...`, `opt_state/nu/...`
 * (Adam moments, f32), `opt_state/master/...` (f32 master weights, mixed precision only) and
 * `opt_state/count` (the Adam step, f32 scalar). With `precision: 'mixed'` the params and gradients are
 * bf16 and the update runs on the f32 master copy, which is converted back: ZeRO's 2 + 2 + 12 bytes per
 * parameter for Adam.
 */
import type { ProgramBuilder } from '../ir/builder';
import type { TensorType, ValueId } from '../ir/types';

export type OptimizerKind = 'adam' | 'sgd';
export type Precision = 'fp32' | 'mixed';

export interface OptimizerConfig {
  readonly kind: OptimizerKind;
  readonly precision: Precision;
  readonly learningRate: number;
  readonly beta1?: number;
  readonly beta2?: number;
  readonly eps?: number;
}

/** The dtype of params, activations and gradients under a precision policy. */
export const computeDtype = (p: Precision): 'bf16' | 'f32' => (p === 'mixed' ? 'bf16' : 'f32');

/** Optimizer-state inputs of one parameter. */
interface ParamState {
  readonly path: string;
  readonly param: ValueId;
  readonly mu?: ValueId;
  readonly nu?: ValueId;
  readonly master?: ValueId;
}

export interface OptimizerState {
  readonly config: OptimizerConfig;
  readonly params: readonly ParamState[];
  readonly count?: ValueId;
}

const stateName = (kind: string, paramPath: string): string => `opt_state/${kind}/${paramPath.slice('params/'.length)}`;

/**
 * Declares the optimizer-state inputs for `params` (param input ids, named `params/...`). Call after the
 * param inputs and before the batch inputs so that a step's inputs read (params, opt_state, batch).
 */
export function declareOptimizerState(b: ProgramBuilder, params: readonly ValueId[], config: OptimizerConfig): OptimizerState {
  const f32 = (v: ValueId): TensorType => ({ shape: b.shape(v), dtype: 'f32' });
  const adam = config.kind === 'adam';
  const mixed = config.precision === 'mixed';
  const states = params.map((param): ParamState => {
    const path = b.values[param].name ?? '';
    if (!path.startsWith('params/')) throw new Error(`optimizer: parameter ${param} is not named params/...`);
    return {
      path, param,
      master: mixed ? b.input(stateName('master', path), f32(param)) : undefined,
      mu: adam ? b.input(stateName('mu', path), f32(param)) : undefined,
      nu: adam ? b.input(stateName('nu', path), f32(param)) : undefined,
    };
  });
  const count = adam ? b.input('opt_state/count', { shape: [], dtype: 'f32' }) : undefined;
  return { config, params: states, count };
}

/**
 * Emits the update of every parameter from its gradient (same order as the params given to
 * `declareOptimizerState`) and registers the outputs: the updated `params/...`, then the updated
 * `opt_state/...`, each under the name of the input it replaces.
 */
export function applyOptimizer(b: ProgramBuilder, state: OptimizerState, grads: readonly ValueId[]): void {
  const { config } = state;
  const lr = config.learningRate;
  const beta1 = config.beta1 ?? 0.9, beta2 = config.beta2 ?? 0.999, eps = config.eps ?? 1e-8;
  const paramOut: [ValueId, string][] = [];
  const stateOut: [ValueId, string][] = [];
  b.inPhase('optimizer', () => {
    // Bias correction folded into two scalars shared by all parameters (the same update as
    // m̂/(√v̂ + ε) with m̂ = m/(1 − β1^t), v̂ = v/(1 − β2^t)):
    //   lr_t = lr·√(1 − β2^t)/(1 − β1^t),  ε_t = ε·√(1 − β2^t),  step = lr_t·m/(√v + ε_t).
    let lrT: ValueId | undefined, epsT: ValueId | undefined;
    if (state.count !== undefined) {
      b.scoped('optimizer', () => {
        const t = b.add(state.count as ValueId, b.constant(1));
        stateOut.push([t, 'opt_state/count']);
        const one = b.constant(1);
        const root2 = b.unary('sqrt', b.sub(one, b.binary('power', b.constant(beta2), t)));
        lrT = b.div(b.mul(b.constant(lr), root2), b.sub(one, b.binary('power', b.constant(beta1), t)));
        epsT = b.mul(b.constant(eps), root2);
      });
    }
    state.params.forEach((p, i) => b.scoped(`optimizer/${p.path}`, () => {
      const shape = b.shape(p.param);
      const g = b.convert(grads[i], 'f32');
      const weights = p.master ?? p.param;
      let updated: ValueId;
      if (config.kind === 'adam') {
        // m ← m + (1 − β1)(g − m),  v ← v + (1 − β2)(g² − v)
        const mu = b.add(p.mu as ValueId, b.mul(b.full(g, 1 - beta1), b.sub(g, p.mu as ValueId)));
        const nu = b.add(p.nu as ValueId, b.mul(b.full(g, 1 - beta2), b.sub(b.mul(g, g), p.nu as ValueId)));
        stateOut.push([mu, stateName('mu', p.path)], [nu, stateName('nu', p.path)]);
        const denom = b.add(b.unary('sqrt', nu), b.broadcast(epsT as ValueId, shape, []));
        updated = b.sub(weights, b.mul(b.broadcast(lrT as ValueId, shape, []), b.div(mu, denom)));
      } else {
        updated = b.sub(weights, b.mul(b.full(g, lr), g));
      }
      if (p.master !== undefined) {
        stateOut.push([updated, stateName('master', p.path)]);
        paramOut.push([b.convert(updated, b.type(p.param).dtype), p.path]);
      } else {
        paramOut.push([updated, p.path]);
      }
    }));
  });
  for (const [v, name] of paramOut) b.output(v, name);
  for (const [v, name] of stateOut) b.output(v, name);
}
