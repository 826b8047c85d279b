/**
 * Program → StableHLO text in the form `jax.jit(f).lower(*args).as_text(debug_info=True)` prints:
 * pretty op forms, `#loc` name stacks (`jit(f)/jit(main)/transpose(jvp(loss_fn))/layer_0/mlp/dot_general`
 * for the backward pass), `jax.result_info` and `mhlo.layout_mode` on results, argument names as
 * `loc("params['layer_0']['w']")`. Used to write the example modules and to round-trip the importer.
 */
import { UserError } from '../../errors';
import type { DType, Op, Program, TensorType, ValueId } from '../../ir/types';
import type { Mesh } from '../../mesh/mesh';
import type { Sharding } from '../../partition/types';

export interface PrintOptions {
  /** The jitted function's name: `module @jit_<name>` and the `jit(<name>)` frame. */
  fnName?: string;
  /** The differentiated function's name in `jvp(…)` / `transpose(jvp(…))` frames. */
  lossFnName?: string;
  /** The Python source file named in the locations. */
  file?: string;
  /** Emits `sdy.mesh @mesh` and `sdy.sharding` on the arguments in `shardings`. */
  mesh?: Mesh;
  shardings?: ReadonlyMap<ValueId, Sharding>;
}

const ELEM: Record<DType, string> = { f32: 'f32', bf16: 'bf16', f16: 'f16', i32: 'i32', bool: 'i1' };

export const typeText = (t: TensorType): string => `tensor<${[...t.shape.map(String), ELEM[t.dtype]].join('x')}>`;

/** A float as MLIR prints it: 6-digit exponent form when that is exact in f32, else the shortest exact decimal. */
export function floatText(v: number, dtype: DType): string {
  if (Number.isNaN(v)) return dtype === 'f32' ? '0x7FC00000' : dtype === 'bf16' ? '0x7FC0' : '0x7E00';
  if (v === Infinity) return dtype === 'f32' ? '0x7F800000' : dtype === 'bf16' ? '0x7F80' : '0x7C00';
  if (v === -Infinity) return dtype === 'f32' ? '0xFF800000' : dtype === 'bf16' ? '0xFF80' : '0xFC00';
  const e = v.toExponential(6).replace(/e([+-])(\d)$/, 'e$10$2');
  const x = Object.is(v, -0) ? '-0.000000e+00' : e;
  return Math.fround(Number(x)) === Math.fround(v) ? x : String(Math.fround(v));
}

const literal = (v: number, dtype: DType): string =>
  dtype === 'bool' ? (v ? 'true' : 'false') : dtype === 'i32' ? String(Math.trunc(v)) : floatText(v, dtype);

/** `params/layer_0/w` → `params['layer_0']['w']` (argument names) or `['params']['layer_0']['w']` (result_info). */
export function pathToKeyPath(path: string, rootIsName: boolean): string {
  const parts = path.split('/');
  const key = (p: string) => (/^\d+$/.test(p) ? `[${p}]` : `['${p}']`);
  return rootIsName ? parts[0] + parts.slice(1).map(key).join('') : parts.map(key).join('');
}

const PRIM: Partial<Record<Op['kind'], string>> = {
  negate: 'neg', exp: 'exp', log: 'log', tanh: 'tanh', rsqrt: 'rsqrt', sqrt: 'sqrt', logistic: 'logistic', abs: 'abs',
  convert: 'convert_element_type', add: 'add', subtract: 'sub', multiply: 'mul', divide: 'div', maximum: 'max', minimum: 'min',
  power: 'pow', select: 'select_n', dot_general: 'dot_general', broadcast_in_dim: 'broadcast_in_dim', transpose: 'transpose',
  reshape: 'reshape', concatenate: 'concatenate', slice: 'slice', dynamic_slice: 'dynamic_slice',
  dynamic_update_slice: 'dynamic_update_slice', gather: 'gather', scatter: 'scatter-add', convolution: 'conv_general_dilated',
  iota: 'iota', constant: 'broadcast_in_dim',
};

const HLO_UNARY: Partial<Record<Op['kind'], string>> = {
  negate: 'negate', exp: 'exponential', log: 'log', tanh: 'tanh', rsqrt: 'rsqrt', sqrt: 'sqrt', logistic: 'logistic', abs: 'abs',
};

export function printStableHlo(p: Program, opts: PrintOptions = {}): string {
  const pr = new Printer(p, opts);
  const args = pr.argumentsText();
  const results = p.outputs.map((o) => `${pr.ty(o.value)} {jax.result_info = "${pathToKeyPath(o.name, false)}", mhlo.layout_mode = "default"}`);
  for (const op of p.ops) printOp(pr, op);
  const outs = p.outputs.map((o) => pr.ref(o.value));
  pr.lines.push(`    return ${outs.join(', ')} : ${p.outputs.map((o) => pr.ty(o.value)).join(', ')} loc(#loc)`);
  return pr.moduleText(args, results);
}

/**
 * The state of one print: SSA names given so far, the op lines, and the `#loc` table. JAX numbers
 * values `%0, %1, …`, float constants `%cst, %cst_0, …` and integer ones `%c, %c_0, …`.
 */
class Printer {
  readonly fn: string;
  private readonly lossFn: string;
  private readonly file: string;
  readonly names = new Map<ValueId, string>();
  readonly lines: string[] = [];
  private readonly locDefs: string[] = [];
  private readonly locIds = new Map<string, string>();
  private nextLoc = 2;
  private nextVal = 0;
  private nextCst = 0;
  private nextC = 0;
  private readonly hasBackward: boolean;

  constructor(readonly p: Program, readonly opts: PrintOptions) {
    this.fn = opts.fnName ?? p.name.replace(/[^\w]/g, '_');
    this.lossFn = opts.lossFnName ?? 'loss_fn';
    this.file = opts.file ?? `${this.fn}.py`;
    this.hasBackward = p.ops.some((o) => o.phase === 'backward');
  }

  loc(name: string): string {
    let id = this.locIds.get(name);
    if (id === undefined) {
      id = `#loc${this.nextLoc++}`;
      this.locIds.set(name, id);
      this.locDefs.push(`${id} = loc("${name}"(#loc1))`);
    }
    return `loc(${id})`;
  }

  /** The name stack JAX gives an op: `jit(f)/jit(main)/transpose(jvp(loss_fn))/<scope>/<primitive>`. */
  opLoc(op: Op, prim: string): string {
    const frames = [`jit(${this.fn})`, 'jit(main)'];
    if (this.hasBackward && op.phase === 'forward') frames.push(`jvp(${this.lossFn})`);
    if (op.phase === 'backward') frames.push(`transpose(jvp(${this.lossFn}))`);
    return this.loc([...frames, ...(op.scope ? [op.scope] : []), prim].join('/'));
  }

  ref(v: ValueId): string {
    const n = this.names.get(v);
    if (n === undefined) throw new UserError('stablehlo-print', `value %${v} is used before it is defined`);
    return n;
  }

  ty(v: ValueId): string {
    return typeText(this.p.values[v].type);
  }

  fresh(): string {
    return `%${this.nextVal++}`;
  }

  cst(dtype: DType): string {
    if (dtype === 'f32' || dtype === 'bf16' || dtype === 'f16') return `%cst${this.nextCst++ === 0 ? '' : `_${this.nextCst - 2}`}`;
    return `%c${this.nextC++ === 0 ? '' : `_${this.nextC - 2}`}`;
  }

  emit(text: string, l: string): void {
    this.lines.push(`    ${text} ${l}`);
  }

  /** `%arg0: tensor<…> {sdy.sharding = …, mhlo.layout_mode = "default"} loc("params['w']")`, naming each input. */
  argumentsText(): string[] {
    const { p, opts } = this;
    return p.inputs.map((v, i) => {
      this.names.set(v, `%arg${i}`);
      const val = p.values[v];
      const sh = opts.shardings?.get(v);
      const attrs = [`mhlo.layout_mode = "default"`];
      if (sh && opts.mesh) attrs.unshift(`sdy.sharding = ${sdyText(sh)}`);
      return `%arg${i}: ${this.ty(v)} {${attrs.join(', ')}} loc("${pathToKeyPath(val.name ?? `arg${i}`, true)}")`;
    });
  }

  moduleText(args: readonly string[], results: readonly string[]): string {
    const { mesh } = this.opts;
    const meshLine = mesh ? [`  sdy.mesh @mesh = <[${mesh.axes.map((a) => `"${a.name}"=${a.size}`).join(', ')}]> loc(#loc)`] : [];
    const partitions = mesh ? mesh.axes.reduce((n, a) => n * a.size, 1) : 1;
    return [
      `module @jit_${this.fn} attributes {mhlo.num_partitions = ${partitions} : i32, mhlo.num_replicas = 1 : i32} {`,
      ...meshLine,
      `  func.func public @main(${args.join(', ')}) -> (${results.join(', ')}) {`,
      ...this.lines,
      '  } loc(#loc)',
      '} loc(#loc)',
      '#loc = loc(unknown)',
      `#loc1 = loc("${this.file}":1:0)`,
      ...this.locDefs,
      '',
    ].join('\n');
  }
}

type OpOf<K extends Op['kind']> = Extract<Op, { kind: K }>;

/** What every op's line is made of: its result names, operands, their types, the signature and its location. */
interface OpText {
  lhs: string;
  ins: string[];
  inTys: string[];
  outTy: string;
  sig: string;
  l: string;
}

/** JAX indexes gather and scatter with a trailing index-vector dim of size 1: the reshape that adds it, and its name. */
function indexVector(pr: Printer, op: OpOf<'gather' | 'scatter'>): string {
  const idxT = pr.p.values[op.operands[1]].type;
  const idx = pr.fresh();
  pr.emit(`${idx} = stablehlo.reshape ${pr.ref(op.operands[1])} : (${typeText(idxT)}) -> ${typeText({ shape: [...idxT.shape, 1], dtype: idxT.dtype })}`, pr.opLoc(op, 'reshape'));
  return idx;
}

/** Names the op's results (`%cst` for a constant, `%N#k` for several) and gathers the parts of its line. */
function opText(pr: Printer, op: Op): OpText {
  const out = op.results.length === 1 ? (op.kind === 'constant' ? pr.cst(op.attrs.dtype) : pr.fresh()) : pr.fresh();
  if (op.results.length === 1) pr.names.set(op.results[0], out);
  else op.results.forEach((r, k) => pr.names.set(r, `${out}#${k}`));
  const inTys = op.operands.map((v) => pr.ty(v));
  const outTy = op.results.length > 0 ? pr.ty(op.results[0]) : '';
  return {
    lhs: op.results.length === 1 ? out : `${out}:${op.results.length}`,
    ins: op.operands.map((v) => pr.ref(v)),
    inTys,
    outTy,
    sig: `(${inTys.join(', ')}) -> ${op.results.length === 1 ? outTy : `(${op.results.map((v) => pr.ty(v)).join(', ')})`}`,
    l: pr.opLoc(op, PRIM[op.kind] ?? op.kind),
  };
}

/** One op's lines, in JAX's pretty form. */
function printOp(pr: Printer, op: Op): void {
  const idx = op.kind === 'gather' || op.kind === 'scatter' ? indexVector(pr, op) : '';
  const t = opText(pr, op);
  const { lhs, ins, inTys, outTy, sig, l } = t;
  const hloUnary = HLO_UNARY[op.kind];
  if (hloUnary) return pr.emit(`${lhs} = stablehlo.${hloUnary} ${ins[0]} : ${outTy}`, l);
  switch (op.kind) {
    case 'add': case 'subtract': case 'multiply': case 'divide': case 'maximum': case 'minimum': case 'power':
      return pr.emit(`${lhs} = stablehlo.${op.kind} ${ins.join(', ')} : ${outTy}`, l);
    case 'convert':
      return pr.emit(`${lhs} = stablehlo.convert ${ins[0]} : ${sig}`, l);
    case 'compare': {
      const dt = pr.p.values[op.operands[0]].type.dtype;
      const kind = dt === 'i32' ? 'SIGNED' : dt === 'bool' ? 'UNSIGNED' : 'FLOAT';
      return pr.emit(`${lhs} = stablehlo.compare  ${op.attrs.direction}, ${ins.join(', ')},  ${kind} : ${sig}`, pr.opLoc(op, op.attrs.direction.toLowerCase()));
    }
    case 'select':
      return pr.emit(`${lhs} = stablehlo.select ${ins.join(', ')} : ${inTys[0]}, ${outTy}`, l);
    case 'dot_general': {
      const a = op.attrs;
      const batch = a.lhsBatch.length > 0 ? `batching_dims = [${a.lhsBatch.join(', ')}] x [${a.rhsBatch.join(', ')}], ` : '';
      return pr.emit(`${lhs} = stablehlo.dot_general ${ins.join(', ')}, ${batch}contracting_dims = [${a.lhsContract.join(', ')}] x [${a.rhsContract.join(', ')}], precision = [DEFAULT, DEFAULT] : ${sig}`, l);
    }
    case 'broadcast_in_dim':
      return pr.emit(`${lhs} = stablehlo.broadcast_in_dim ${ins[0]}, dims = [${op.attrs.dims.join(', ')}] : ${sig}`, l);
    case 'reduce':
      return printReduce(pr, op, t);
    case 'transpose':
      return pr.emit(`${lhs} = stablehlo.transpose ${ins[0]}, dims = [${op.attrs.perm.join(', ')}] : ${sig}`, l);
    case 'reshape':
      return pr.emit(`${lhs} = stablehlo.reshape ${ins[0]} : ${sig}`, l);
    case 'concatenate':
      return pr.emit(`${lhs} = stablehlo.concatenate ${ins.join(', ')}, dim = ${op.attrs.dim} : ${sig}`, l);
    case 'slice': {
      const a = op.attrs;
      const b = a.start.map((s, i) => `${s}:${a.limit[i]}${a.stride[i] !== 1 ? `:${a.stride[i]}` : ''}`);
      return pr.emit(`${lhs} = stablehlo.slice ${ins[0]} [${b.join(', ')}] : ${sig}`, l);
    }
    case 'dynamic_slice':
      return pr.emit(`${lhs} = stablehlo.dynamic_slice ${ins.join(', ')}, sizes = [${op.attrs.sizes.join(', ')}] : ${sig}`, l);
    case 'dynamic_update_slice':
      return pr.emit(`${lhs} = stablehlo.dynamic_update_slice ${ins.join(', ')} : ${sig}`, l);
    case 'gather': case 'scatter':
      return printGatherScatter(pr, op, t, idx);
    case 'convolution':
      return pr.emit(`${lhs} = stablehlo.convolution(${ins.join(', ')}) ${convolutionAttrs(op.attrs)} : ${sig}`, l);
    case 'iota':
      return pr.emit(`${lhs} = stablehlo.iota dim = ${op.attrs.dim} : ${outTy}`, l);
    case 'constant': {
      const a = op.attrs;
      const body = a.data !== undefined ? nested(a.data, a.shape, (v) => literal(v, a.dtype)) : literal(a.value ?? 0, a.dtype);
      return pr.emit(`${lhs} = stablehlo.constant dense<${body}> : ${outTy}`, a.data !== undefined || op.attrs.shape.length === 0 ? 'loc(#loc)' : l);
    }
    case 'custom':
      return pr.emit(`${lhs} = stablehlo.custom_call @${op.attrs.name.replace(/[^\w.]/g, '_')}(${ins.join(', ')}) : ${sig}`, l);
    case 'attention': case 'attention_grad':
      return pr.emit(`${lhs} = stablehlo.custom_call @partir.${op.kind}(${ins.join(', ')}) {backend_config = "causal=${op.attrs.causal}, scale=${op.attrs.scale}"} : ${sig}`, l);
    default:
      throw new UserError('stablehlo-print', `cannot print ${op.kind}: collectives exist only in per-device programs`);
  }
}

/** A reduction: its init constant (0 for a sum, -inf for a max), then the reduce with the combiner JAX names. */
function printReduce(pr: Printer, op: OpOf<'reduce'>, { lhs, ins, inTys, outTy }: OpText): void {
  const dt = pr.p.values[op.operands[0]].type.dtype;
  const init = pr.cst(dt);
  const initVal = op.attrs.reducer === 'sum' ? literal(0, dt) : floatText(-Infinity, dt === 'i32' || dt === 'bool' ? 'f32' : dt);
  pr.lines.push(`    ${init} = stablehlo.constant dense<${initVal}> : tensor<${ELEM[dt]}> loc(#loc)`);
  const comb = op.attrs.reducer === 'sum' ? 'add' : 'maximum';
  pr.emit(`${lhs} = stablehlo.reduce(${ins[0]} init: ${init}) applies stablehlo.${comb} across dimensions = [${op.attrs.dims.join(', ')}] : (${inTys[0]}, tensor<${ELEM[dt]}>) -> ${outTy}`,
    pr.opLoc(op, op.attrs.reducer === 'sum' ? 'reduce_sum' : 'reduce_max'));
}

/** Gather and scatter-add along one axis, in the generic form with their dimension numbers (scatter with its add region). */
function printGatherScatter(pr: Printer, op: OpOf<'gather' | 'scatter'>, { lhs, ins, inTys, outTy, l }: OpText, idx: string): void {
  const p = pr.p;
  const idxT = p.values[op.operands[1]].type;
  const vecT: TensorType = { shape: [...idxT.shape, 1], dtype: idxT.dtype };
  const xShape = p.values[op.operands[0]].type.shape;
  const axis = op.attrs.axis, nI = idxT.shape.length, r = xShape.length;
  const window = [...Array.from({ length: axis }, (_, i) => i), ...Array.from({ length: r - 1 - axis }, (_, i) => axis + nI + i)];
  if (op.kind === 'gather') {
    const sizes = xShape.map((d, i) => (i === axis ? 1 : d));
    pr.emit(`${lhs} = "stablehlo.gather"(${ins[0]}, ${idx}) <{dimension_numbers = #stablehlo.gather<offset_dims = [${window.join(', ')}], collapsed_slice_dims = [${axis}], start_index_map = [${axis}], index_vector_dim = ${nI}>, indices_are_sorted = false, slice_sizes = array<i64: ${sizes.join(', ')}>}> : (${inTys[0]}, ${typeText(vecT)}) -> ${outTy}`, l);
    return;
  }
  const et = `tensor<${ELEM[p.values[op.operands[0]].type.dtype]}>`;
  pr.lines.push(`    ${lhs} = "stablehlo.scatter"(${ins[0]}, ${idx}, ${ins[2]}) <{indices_are_sorted = false, scatter_dimension_numbers = #stablehlo.scatter<update_window_dims = [${window.join(', ')}], inserted_window_dims = [${axis}], scatter_dims_to_operand_dims = [${axis}], index_vector_dim = ${nI}>, unique_indices = false}> ({`);
  pr.lines.push(`    ^bb0(%a: ${et}, %b: ${et}):`);
  pr.lines.push(`      %sum = stablehlo.add %a, %b : ${et} ${l}`);
  pr.lines.push(`      stablehlo.return %sum : ${et} ${l}`);
  pr.lines.push(`    }) : (${inTys[0]}, ${typeText(vecT)}, ${inTys[2]}) -> ${outTy} ${l}`);
}

/** A convolution's `dim_numbers = [b, 0, 1, f]x[…]->[…], window = {…} {…}` in StableHLO's pretty form. */
function convolutionAttrs(a: OpOf<'convolution'>['attrs']): string {
  const n = a.inputSpatial.length;
  const layout = (b: number, f: number, sp: readonly number[], bl: string, fl: string) => {
    const s: string[] = new Array<string>(n + 2).fill('?');
    s[b] = bl;
    s[f] = fl;
    sp.forEach((d, i) => (s[d] = String(i)));
    return `[${s.join(', ')}]`;
  };
  const dn = `${layout(a.inputBatch, a.inputFeature, a.inputSpatial, 'b', 'f')}x${layout(a.kernelInputFeature, a.kernelOutputFeature, a.kernelSpatial, 'i', 'o')}->${layout(a.outputBatch, a.outputFeature, a.outputSpatial, 'b', 'f')}`;
  const win = `window = {stride = [${a.strides.join(', ')}], pad = [${a.padding.map((q) => `[${q[0]}, ${q[1]}]`).join(', ')}], lhs_dilate = [${a.lhsDilation.join(', ')}], rhs_dilate = [${a.rhsDilation.join(', ')}]}`;
  return `dim_numbers = ${dn}, ${win} {batch_group_count = ${a.batchGroupCount} : i64, feature_group_count = ${a.featureGroupCount} : i64, precision_config = [#stablehlo<precision DEFAULT>, #stablehlo<precision DEFAULT>]}`;
}

function nested(data: readonly number[], shape: readonly number[], f: (v: number) => string): string {
  if (shape.length === 0) return f(data[0]);
  const rec = (off: number, d: number): string => {
    if (d === shape.length) return f(data[off]);
    const stride = shape.slice(d + 1).reduce((a, b) => a * b, 1);
    return `[${Array.from({ length: shape[d] }, (_, i) => rec(off + i * stride, d + 1)).join(', ')}]`;
  };
  return rec(0, 0);
}

function sdyText(s: Sharding): string {
  const dims = s.dims.map((axes) => `{${axes.map((a) => `"${a}"`).join(', ')}}`);
  const un = s.partial.length > 0 ? `, unreduced={${s.partial.map((a) => `"${a}"`).join(', ')}}` : '';
  return `#sdy.sharding<@mesh, [${dims.join(', ')}]${un}>`;
}
