import { UserError } from '../errors';
import { MAX_PROGRAM_INPUTS, MAX_PROGRAM_OPS } from '../limits';
import { inferTypes } from './shape';
import type {
  AttrMap, AttrsOf, BinaryKind, CompareDirection, DType, Op, OpKind, Phase, Program, ProgramOutput,
  TensorType, UnaryKind, Value, ValueId, ValueRole,
} from './types';

/**
 * Builds a Program op by op with shape inference. Scopes nest (`layer_3` then `attn` gives
 * `layer_3/attn`); every op records the current scope and phase.
 */
export class ProgramBuilder {
  readonly values: Value[] = [];
  readonly ops: Op[] = [];
  readonly inputs: ValueId[] = [];
  readonly outputs: ProgramOutput[] = [];
  private scopes: string[] = [];
  private scopeStr = '';
  phase: Phase = 'forward';

  constructor(readonly name: string) {}

  type(v: ValueId): TensorType {
    return this.values[v].type;
  }
  shape(v: ValueId): readonly number[] {
    return this.values[v].type.shape;
  }

  /** A program input with a selector path such as `params/layer_0/attn/wq`. */
  input(path: string, type: TensorType, role?: ValueRole): ValueId {
    const id = this.values.length;
    // a model declares its parameters before its ops: a huge one is refused here, before its ops are built
    if (this.inputs.length >= MAX_PROGRAM_INPUTS) {
      throw new UserError('too-large', `the program has more than ${MAX_PROGRAM_INPUTS.toLocaleString('en-US')} inputs (parameters, optimizer state, data), the most the explorer handles: make the model smaller`);
    }
    this.values.push({ id, type, def: -1, index: 0, name: path, role: role ?? roleOfPath(path) });
    this.inputs.push(id);
    return id;
  }

  output(v: ValueId, name: string): void {
    this.outputs.push({ value: v, name });
  }

  /** Gives an intermediate a name that tactics can select. */
  setName(v: ValueId, name: string): ValueId {
    this.values[v].name = name;
    return v;
  }

  setRole(v: ValueId, role: ValueRole): ValueId {
    this.values[v].role = role;
    return v;
  }

  get scope(): string {
    return this.scopeStr;
  }

  /** Runs `f` inside a child name scope. */
  scoped<T>(name: string, f: () => T): T {
    // The scope string is extended and restored rather than re-joined (same result as scopes.join('/')).
    const prev = this.scopeStr;
    this.scopeStr = this.scopes.length === 0 ? name : `${prev}/${name}`;
    this.scopes.push(name);
    try {
      return f();
    } finally {
      this.scopes.pop();
      this.scopeStr = prev;
    }
  }

  /** Runs `f` with a different phase (forward/backward/optimizer). */
  inPhase<T>(phase: Phase, f: () => T): T {
    const prev = this.phase;
    this.phase = phase;
    try {
      return f();
    } finally {
      this.phase = prev;
    }
  }

  /** Adds an op; result types are inferred unless given (collectives, lowering). */
  emit<K extends OpKind>(kind: K, operands: readonly ValueId[], attrs: AttrsOf<K>, resultTypes?: readonly TensorType[]): ValueId[] {
    return this.emitOwned(kind, operands.slice(), attrs, resultTypes);
  }

  /**
   * `emit` for an operand array nobody else holds (the convenience constructors' fresh literals): it is
   * stored in the op as is rather than copied.
   */
  private emitOwned<K extends OpKind>(kind: K, operands: ValueId[], attrs: AttrsOf<K>, resultTypes?: readonly TensorType[]): ValueId[] {
    // Plain loops: this runs for every op of a 50k-op training step.
    let types = resultTypes;
    if (types === undefined) {
      const ins = new Array<TensorType>(operands.length);
      for (let i = 0; i < operands.length; i++) ins[i] = this.values[operands[i]].type;
      types = inferTypes(kind, ins, attrs);
    }
    const id = this.ops.length;
    // checked as ops are added, so that a huge model is refused before it exhausts memory
    if (id >= MAX_PROGRAM_OPS) {
      throw new UserError('too-large', `the program has more than ${MAX_PROGRAM_OPS.toLocaleString('en-US')} ops, the most the explorer handles (a 96-layer GPT-3 step has ~46,000): make the model smaller`);
    }
    const results = new Array<ValueId>(types.length);
    for (let index = 0; index < types.length; index++) {
      const vid = this.values.length;
      this.values.push({ id: vid, type: types[index], def: id, index });
      results[index] = vid;
    }
    this.ops.push({ id, kind, operands, results, attrs, scope: this.scopeStr, phase: this.phase } as unknown as Op);
    return results;
  }

  emit1<K extends OpKind>(kind: K, operands: readonly ValueId[], attrs: AttrsOf<K>, resultType?: TensorType): ValueId {
    return this.emit(kind, operands, attrs, resultType ? [resultType] : undefined)[0];
  }

  build(): Program {
    return { name: this.name, values: this.values, ops: this.ops, inputs: this.inputs, outputs: this.outputs };
  }

  // ---- convenience constructors used by the model zoo and autodiff ----

  unary(kind: Exclude<UnaryKind, 'convert'>, x: ValueId): ValueId {
    return this.emitOwned(kind, [x], NO_ATTRS as AttrsOf<typeof kind>)[0];
  }
  binary(kind: Exclude<BinaryKind, 'compare'>, a: ValueId, b: ValueId): ValueId {
    return this.emitOwned(kind, [a, b], NO_ATTRS as AttrsOf<typeof kind>)[0];
  }
  add(a: ValueId, b: ValueId): ValueId { return this.binary('add', a, b); }
  sub(a: ValueId, b: ValueId): ValueId { return this.binary('subtract', a, b); }
  mul(a: ValueId, b: ValueId): ValueId { return this.binary('multiply', a, b); }
  div(a: ValueId, b: ValueId): ValueId { return this.binary('divide', a, b); }
  max(a: ValueId, b: ValueId): ValueId { return this.binary('maximum', a, b); }
  neg(x: ValueId): ValueId { return this.unary('negate', x); }
  exp(x: ValueId): ValueId { return this.unary('exp', x); }
  log(x: ValueId): ValueId { return this.unary('log', x); }
  convert(x: ValueId, dtype: DType): ValueId {
    return this.type(x).dtype === dtype ? x : this.emitOwned('convert', [x], { dtype })[0];
  }
  compare(a: ValueId, b: ValueId, direction: CompareDirection): ValueId {
    return this.emitOwned('compare', [a, b], { direction })[0];
  }
  select(p: ValueId, a: ValueId, b: ValueId): ValueId {
    return this.emitOwned('select', [p, a, b], NO_ATTRS as AttrsOf<'select'>)[0];
  }
  dot(a: ValueId, b: ValueId, dims: AttrMap['dot_general']): ValueId {
    return this.emitOwned('dot_general', [a, b], dims)[0];
  }
  broadcast(x: ValueId, shape: readonly number[], dims: readonly number[]): ValueId {
    return this.emitOwned('broadcast_in_dim', [x], { shape, dims })[0];
  }
  /** Broadcasts `x` to `shape` aligning its dims with the trailing dims (numpy rules). */
  broadcastTo(x: ValueId, shape: readonly number[]): ValueId {
    const r = this.shape(x).length;
    if (r === shape.length && this.shape(x).every((d, i) => d === shape[i])) return x;
    return this.broadcast(x, shape, Array.from({ length: r }, (_, i) => shape.length - r + i));
  }
  reduce(x: ValueId, reducer: 'sum' | 'max', dims: readonly number[]): ValueId {
    return this.emitOwned('reduce', [x], { reducer, dims })[0];
  }
  sum(x: ValueId, dims: readonly number[]): ValueId { return this.reduce(x, 'sum', dims); }
  transpose(x: ValueId, perm: readonly number[]): ValueId {
    return this.emitOwned('transpose', [x], { perm })[0];
  }
  reshape(x: ValueId, shape: readonly number[]): ValueId {
    return this.emitOwned('reshape', [x], { shape })[0];
  }
  constant(value: number, shape: readonly number[] = [], dtype: DType = 'f32'): ValueId {
    return this.emitOwned('constant', [], { shape, dtype, value })[0];
  }
  /** A scalar constant broadcast to the shape and dtype of `like`. */
  full(like: ValueId, value: number): ValueId {
    const t = this.type(like);
    return this.constant(value, t.shape, t.dtype);
  }
  iota(shape: readonly number[], dim: number, dtype: DType = 'i32'): ValueId {
    return this.emit1('iota', [], { shape, dim, dtype });
  }
}

/**
 * The attributes of every op whose kind takes none (element-wise ops, select), shared: a 50k-op step
 * would otherwise carry one empty object per op. Frozen, since attributes are never mutated.
 */
const NO_ATTRS: Record<string, never> = Object.freeze({}) as Record<string, never>;

export function roleOfPath(path: string): ValueRole {
  if (path.startsWith('params/')) return 'param';
  if (path.startsWith('opt_state/')) return 'optimizer';
  if (path.startsWith('batch/')) return 'batch';
  return 'other';
}
