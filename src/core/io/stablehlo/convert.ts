/**
 * ModuleAst → Program: one op (or a few) per StableHLO op, calls inlined, names and scopes from
 * JAX's attributes and locations. Ops outside the IR become `custom` ops with their declared types.
 */
import { UserError, type Diagnostic, type SourceRange } from '../../errors';
import { ProgramBuilder } from '../../ir/builder';
import { fmtType } from '../../ir/shape';
import type { AttrMap, CompareDirection, ConvDims, OpId, Phase, Program, TensorType, UnaryKind, ValueId } from '../../ir/types';
import type { Attr, FuncAst, LocAst, ModuleAst, StmtAst, TypeAst } from './ast';
import { readBody, type BodyParts } from './body';
import { denseValues, irType } from './dense';
import type { Token } from './lexer';
import { isKeyPath, keyPathToPath, scopeOfLocName } from './names';
import { Cursor, parseAttr } from './parser';
import { lookup as ownEntry } from '../../record';
import type { Annotation, Direction } from './annotations';
import { parseShardingPerValue, parseSdySharding, tokensOfAttr } from './sharding';

export interface Converted {
  program: Program;
  /** Input ValueId per argument of @main, in order. */
  args: ValueId[];
  opaque: { op: OpId; name: string; range: SourceRange }[];
  warnings: Diagnostic[];
  /** Sdy annotations on ops (constraints, barriers, groups, shard_maps, op shardings) of the entry function and what it calls. */
  annotations: Annotation[];
}

const UNARY: Record<string, UnaryKind> = {
  negate: 'negate', exponential: 'exp', log: 'log', tanh: 'tanh', rsqrt: 'rsqrt', sqrt: 'sqrt', logistic: 'logistic', abs: 'abs',
};
const BINARY = new Set(['add', 'subtract', 'multiply', 'divide', 'maximum', 'minimum', 'power']);
/** Ops that only annotate or fence a value: imported as the value itself. */
const IDENTITY = new Set(['optimization_barrier']);
/**
 * Sdy ops that fence or pin one value: imported as an identity op (a same-type convert, under a scope
 * named after the op) so that the value before and after stay distinct, as in Shardy, and the
 * annotation attaches to the result.
 */
const SDY_IDENTITY = new Set(['sdy.sharding_constraint', 'sdy.reshard', 'sdy.propagation_barrier', 'sdy.data_flow_edge']);
/** Sdy ops the importer refuses: kept opaque, with a warning naming them. */
const SDY_REFUSED: Record<string, string> = {
  'sdy.named_computation': 'named computations are not inlined yet',
  'sdy.all_gather': 'explicit sdy collectives are lowering output, not input',
  'sdy.all_slice': 'explicit sdy collectives are lowering output, not input',
  'sdy.all_reduce': 'explicit sdy collectives are lowering output, not input',
  'sdy.all_to_all': 'explicit sdy collectives are lowering output, not input',
  'sdy.reduce_scatter': 'explicit sdy collectives are lowering output, not input',
  'sdy.collective_permute': 'explicit sdy collectives are lowering output, not input',
};
const DIRECTIONS = new Set(['BOTH', 'FORWARD', 'BACKWARD', 'NONE']);
const IDENTITY_CALLS = new Set(['Sharding', 'xla.sdy.FuncResultSharding', 'xla.sdy.ShardingConstraint']);
const COMPARE = new Set(['EQ', 'NE', 'LT', 'LE', 'GT', 'GE']);

/** The StableHLO op set (spec and dialect): any other `stablehlo.*` name is a typo, not an opaque op. */
const STABLEHLO_OPS = new Set((
  'abs add after_all all_gather all_reduce all_to_all and atan2 batch_norm_grad batch_norm_inference batch_norm_training ' +
  'bitcast_convert broadcast broadcast_in_dim case cbrt ceil cholesky clamp collective_broadcast collective_permute compare ' +
  'complex composite concatenate constant convert convolution cosine count_leading_zeros create_token cross-replica-sum ' +
  'custom_call divide dot dot_general dynamic_broadcast_in_dim dynamic_conv dynamic_gather dynamic_iota dynamic_pad ' +
  'dynamic_reshape dynamic_slice dynamic_update_slice einsum exponential exponential_minus_one fft floor gather ' +
  'get_dimension_size get_tuple_element if imag infeed iota is_finite log log_plus_one logistic map maximum minimum ' +
  'multiply negate not optimization_barrier or outfeed pad partition_id popcnt power real real_dynamic_slice recv reduce ' +
  'reduce_precision reduce_scatter reduce_window remainder replica_id reshape return reverse rng rng_bit_generator ' +
  'round_nearest_afz round_nearest_even rsqrt scatter select select_and_scatter send shift_left shift_right_arithmetic ' +
  'shift_right_logical sign sine slice sort sqrt subtract tan tanh torch_index_select transpose triangular_solve tuple ' +
  'unary_einsum uniform_dequantize uniform_quantize while xor').split(' '));

const MAX_INLINE_DEPTH = 64;

const err = (s: StmtAst | undefined, message: string): UserError =>
  new UserError('stablehlo-import', s ? `${s.range.line}:${s.range.column}: ${message}` : message, { where: 'model.stablehlo', range: s?.range });

export function convertModule(mod: ModuleAst): Converted {
  return new ModuleConverter(mod).convert();
}

/** A statement's operands and result type as the emitters read them (ModuleConverter.reader). */
interface StmtReader {
  /** Every operand. */
  ins: () => ValueId[];
  /** Exactly n operands, or an error naming the statement. */
  need: (n: number) => ValueId[];
  /** The one declared result type, or an error. */
  one: () => TensorType;
}
/**
 * One conversion: the program being built, what it found along the way (opaque ops, warnings, sdy
 * annotations, which ops are backward or unlocated), and a step per statement kind. `convert` binds
 * @main's arguments to inputs, inlines its body (and every call), and names the outputs.
 */
class ModuleConverter {
  private readonly funcs: Map<string, FuncAst>;
  private readonly b: ProgramBuilder;
  private readonly opaque: Converted['opaque'] = [];
  private readonly warnings: Diagnostic[] = [];
  private readonly annotations: Annotation[] = [];
  private readonly backwardOps = new Set<OpId>();
  private readonly unlocatedOps = new Set<OpId>();
  /** Scopes by location name: a deep model repeats a few hundred names thousands of times. */
  private readonly scopeCache = new Map<string, { scope: string; backward: boolean } | undefined>();

  constructor(private readonly mod: ModuleAst) {
    this.funcs = new Map(mod.funcs.map((f) => [f.name, f]));
    this.b = new ProgramBuilder(mod.name.replace(/^jit_/, '') || 'imported');
  }

  convert(): Converted {
    const { mod, b } = this;
    const main = mod.funcs.find((f) => f.name === 'main') ?? mod.funcs.find((f) => f.visibility === 'public') ?? mod.funcs[0];
    if (!main) throw new UserError('stablehlo-import', 'the module has no function (expected func.func public @main)', { where: 'model.stablehlo' });
    const args = this.bindArguments(main);
    const outs = this.inline(main, args, '', false, 0, undefined);
    if (outs.length !== main.results.length && main.results.length > 0)
      throw new UserError('stablehlo-import', `@${main.name} returns ${outs.length} values but declares ${main.results.length}`, { where: 'model.stablehlo' });
    const usedOut = new Set<string>();
    outs.forEach((v, i) => {
      const info = main.results[i]?.attrs.get('jax.result_info');
      let name = info?.kind === 'str' ? keyPathToPath(info.value) : '';
      if (name === '' || usedOut.has(name)) name = `out${i}`;
      usedOut.add(name);
      b.output(v, name);
    });
    const program = withPhases(b.build(), this.backwardOps, this.unlocatedOps);
    return { program, args, opaque: this.opaque, warnings: this.warnings, annotations: this.annotations };
  }

  /** An input per argument of @main, named by `jax.arg_info` or its location's key path (else `arg<i>`). */
  private bindArguments(main: FuncAst): ValueId[] {
    const usedPaths = new Set<string>();
    return main.args.map((a, i) => {
      const info = a.attrs.get('jax.arg_info');
      const locName = this.resolveLoc(a.loc);
      let path = info?.kind === 'str' ? keyPathToPath(info.value) : locName !== undefined && isKeyPath(locName) ? keyPathToPath(locName) : '';
      if (path === '' || usedPaths.has(path)) path = `arg${i}`;
      usedPaths.add(path);
      return this.b.input(path, irType(a.type, `argument ${a.name} of @${main.name}`));
    });
  }

  private warnAt(st: StmtAst, message: string): void {
    this.warnings.push({ code: 'stablehlo-sharding', severity: 'warning', where: 'model.stablehlo', range: st.range, message: `${st.range.line}:${st.range.column}: ${message}` });
  }

  private resolveLoc(l: LocAst): string | undefined {
    let cur: LocAst | undefined = l;
    for (let k = 0; k < 16 && cur; k++) {
      if (cur.kind === 'name') return cur.name;
      if (cur.kind === 'none') return undefined;
      cur = this.mod.locs.get(cur.ref);
    }
    return undefined;
  }

  private scopeOf(l: LocAst): { scope: string; backward: boolean } | undefined {
    const name = this.resolveLoc(l);
    if (name === undefined) return undefined;
    let r = this.scopeCache.get(name);
    if (r === undefined && !this.scopeCache.has(name)) {
      r = isKeyPath(name) ? undefined : scopeOfLocName(name);
      this.scopeCache.set(name, r);
    }
    return r;
  }

  /** Emits the body of `f` with `ins` bound to its arguments; returns the returned values. */
  private inline(f: FuncAst, ins: readonly ValueId[], outerScope: string, outerBackward: boolean, depth: number, call: StmtAst | undefined): ValueId[] {
    if (depth > MAX_INLINE_DEPTH) throw err(call, `calls nest deeper than ${MAX_INLINE_DEPTH} (recursive @${f.name}?)`);
    if (ins.length !== f.args.length) throw err(call, `@${f.name} takes ${f.args.length} arguments, the call passes ${ins.length}`);
    if (f.body.length === 0) throw err(call, `@${f.name} has no body`);
    const env = new Map<string, ValueId>();
    f.args.forEach((a, i) => env.set(a.name, ins[i]));
    for (const s of f.body) {
      const op = s.op.replace(/^(stablehlo|mhlo)\./, '');
      if (op === 'return' || op === 'func.return') return readBody(s.body).operands.map((r) => this.lookup(env, r, s));
      // a statement without a location (hoisted constants, ops of a called function) inherits the caller's
      const fromLoc = this.scopeOf(s.loc);
      const scope = fromLoc ? fromLoc.scope : outerScope;
      const backward = fromLoc ? fromLoc.backward : outerBackward;
      const firstOp = this.b.ops.length;
      const isCall = op === 'call' || op === 'func.call';
      const results = this.emitStmt(s, op, env, scope, backward, depth);
      if (!isCall) {
        for (let k = firstOp; k < this.b.ops.length; k++) {
          if (backward) this.backwardOps.add(k);
          if (!fromLoc) this.unlocatedOps.add(k);
        }
      }
      const names = s.results.flatMap((r) => (r.count === 1 ? [r.name] : Array.from({ length: r.count }, (_, k) => `${r.name}#${k}`)));
      if (results.length < names.length) throw err(s, `"${s.op}" gives ${results.length} result(s), ${names.length} named`);
      names.forEach((n, k) => env.set(n, results[k]));
      if (s.results.length === 1 && s.results[0].count > 1) env.set(s.results[0].name, results[0]);
    }
    throw err(call, `@${f.name} does not end with a return`);
  }

  private lookup(env: Map<string, ValueId>, ref: string, s: StmtAst): ValueId {
    const v = env.get(ref) ?? (ref.endsWith('#0') ? env.get(ref.slice(0, -2)) : undefined);
    if (v === undefined) throw err(s, `%${ref} is used before it is defined`);
    return v;
  }

  private emitStmt(s: StmtAst, op: string, env: Map<string, ValueId>, scope: string, backward: boolean, depth: number): ValueId[] {
    const parts = readBody(s.body);
    if (op === 'call' || op === 'func.call') {
      const callee = this.funcs.get(parts.syms[0] ?? '');
      if (!callee) throw err(s, `call to unknown function @${parts.syms[0] ?? '?'}`);
      return this.inline(callee, parts.operands.map((r) => this.lookup(env, r, s)), scope, backward, depth + 1, s);
    }
    if (s.op.startsWith('stablehlo.') && !STABLEHLO_OPS.has(op)) throw err(s, `unknown StableHLO op "${s.op}"`);
    const declared = declaredResults(s);
    const emit = (): ValueId[] => {
      const known = this.emitKnown(s, op, parts, env, declared);
      if (known !== undefined) return known;
      return this.emitOpaque(s, op, parts, env, declared);
    };
    const firstOp = this.b.ops.length;
    const results = scope ? this.b.scoped(scope, emit) : emit();
    this.annotate(s, op, parts, env, results, firstOp);
    declared.forEach((t, k) => {
      const got = this.b.values[results[k]]?.type;
      const want = irType(t, `result ${k} of "${s.op}"`);
      if (got && (got.shape.length !== want.shape.length || got.shape.some((d, i) => d !== want.shape[i]) || got.dtype !== want.dtype))
        throw err(s, `"${s.op}" declares result ${fmtType(want)} but its operands give ${fmtType(got)}`);
    });
    return results;
  }

  /** Records the sdy annotations of one statement (after its ops are emitted), or warns why one is refused. */
  private annotate(s: StmtAst, op: string, p: BodyParts, env: Map<string, ValueId>, results: ValueId[], firstOp: OpId): void {
    const guard = (what: string, f: () => void) => {
      try { f(); } catch (e) {
        if (!(e instanceof UserError)) throw e;
        this.warnAt(s, `${what} of "${s.op}" is not imported: ${e.message}`);
      }
    };
    const perValue = p.kv.get('sdy.sharding');
    if (perValue) {
      guard('sdy.sharding', () => {
        const list = parseShardingPerValue(tokensOfAttr(perValue));
        if (list.length !== results.length) throw new UserError('stablehlo-sharding', `${list.length} shardings for ${results.length} results`);
        list.forEach((sh, k) => this.annotations.push({ kind: 'op', value: results[k], result: k, sharding: sh, range: s.range }));
      });
    }
    if (p.kv.has('sdy.sharding_rule')) this.warnAt(s, `the custom sdy.sharding_rule of "${s.op}" is not imported: the op is opaque and shardings do not cross it`);
    if (op in SDY_REFUSED) this.warnAt(s, `"${s.op}" is refused: ${SDY_REFUSED[op]}; it is kept as an opaque op`);
    const lastOp = this.b.ops.length - 1;
    if (op === 'sdy.sharding_constraint' || op === 'sdy.reshard') {
      guard(op, () => {
        const t = p.misc.find((a) => a.kind === 'other');
        if (!t || t.kind !== 'other') throw new UserError('stablehlo-sharding', 'no sharding <@mesh, […]> found');
        this.annotations.push({ kind: op === 'sdy.reshard' ? 'reshard' : 'constraint', op: lastOp, value: results[0], sharding: parseSdySharding(t.tokens), range: s.range });
      });
    } else if (op === 'sdy.propagation_barrier') {
      const d = p.kv.get('allowed_direction');
      const direction = d?.kind === 'enum' && DIRECTIONS.has(d.value) ? (d.value as Direction) : undefined;
      if (direction === undefined) this.warnAt(s, 'sdy.propagation_barrier without a known allowed_direction (BOTH, FORWARD, BACKWARD, NONE): taken as NONE');
      this.annotations.push({ kind: 'barrier', op: lastOp, value: results[0], direction: direction ?? 'NONE', range: s.range });
    } else if (op === 'sdy.sharding_group') {
      const g = p.kv.get('group_id');
      const v = env.get(p.operands[0] ?? '');
      if (g?.kind !== 'int' || v === undefined) this.warnAt(s, 'sdy.sharding_group needs an operand and group_id = N; ignored');
      else this.annotations.push({ kind: 'group', value: v, group: g.value, range: s.range });
    } else if (op === 'sdy.manual_computation') {
      guard(op, () => {
        const list = (key: string) => {
          const a = p.kv.get(key);
          if (a?.kind !== 'list') throw new UserError('stablehlo-sharding', `${key}=[…] is missing`);
          return a.items.map((x) => parseSdySharding(tokensOfAttr(x)));
        };
        const axes = p.kv.get('manual_axes');
        this.annotations.push({
          kind: 'manual', op: firstOp, operands: p.operands.map((r) => this.lookup(env, r, s)), results,
          inShardings: list('in_shardings'), outShardings: list('out_shardings'),
          manualAxes: axes?.kind === 'dict' ? [...axes.entries.keys()] : [], range: s.range,
        });
      });
    }
  }

  private emitOpaque(s: StmtAst, op: string, parts: BodyParts, env: Map<string, ValueId>, declared: TypeAst[]): ValueId[] {
    const name = op === 'custom_call' ? `custom_call @${parts.syms[0] ?? '?'}` : s.op;
    const count = s.results.reduce((n, r) => n + r.count, 0);
    const types = declared.length === count ? declared : s.outs.length === count ? s.outs : Array.from({ length: count }, () => declared[0] ?? s.outs[0]);
    if (types.some((t) => t === undefined)) throw err(s, `cannot tell the result types of "${s.op}"`);
    const resultTypes = types.map((t, k) => irType(t, `result ${k} of "${s.op}"`));
    const operands = parts.operands.map((r) => env.get(r) ?? (r.endsWith('#0') ? env.get(r.slice(0, -2)) : undefined)).filter((v): v is ValueId => v !== undefined);
    const id = this.b.ops.length;
    const res = this.b.emit('custom', operands, { name, resultTypes }, resultTypes);
    this.opaque.push({ op: id, name, range: s.range });
    return res;
  }

  /** Reads a statement's operands and its one result type, with errors that name the statement. */
  private reader(s: StmtAst, p: BodyParts, env: Map<string, ValueId>, declared: TypeAst[]): StmtReader {
    const ins = () => p.operands.map((r) => this.lookup(env, r, s));
    return {
      ins,
      one: () => {
        if (declared.length !== 1) throw err(s, `"${s.op}" needs one result type`);
        return irType(declared[0], `result of "${s.op}"`);
      },
      need: (n) => {
        const v = ins();
        if (v.length !== n) throw err(s, `"${s.op}" takes ${n} operand(s), got ${v.length}`);
        return v;
      },
    };
  }

  /**
   * The IR op(s) for a StableHLO op, or undefined when it has no IR form (it becomes this.opaque): pass-
   * throughs first, then element-wise ops, shape ops, the structured ops, and short compositions.
   */
  private emitKnown(s: StmtAst, op: string, p: BodyParts, env: Map<string, ValueId>, declared: TypeAst[]): ValueId[] | undefined {
    const r = this.reader(s, p, env, declared);
    if (IDENTITY.has(op)) return r.ins();
    if (SDY_IDENTITY.has(op)) {
      const [x] = r.need(1);
      return [this.b.scoped(op, () => this.b.emit1('convert', [x], { dtype: this.b.values[x].type.dtype }))];
    }
    if (op === 'sdy.sharding_group') return [];
    if (op === 'custom_call' && IDENTITY_CALLS.has(p.syms[0] ?? '')) return r.ins().slice(0, Math.max(1, declared.length));
    switch (op) {
      case 'reduce':
        return this.reduce(s, p, r.ins(), declared);
      case 'gather':
        return this.gather(s, p, r.ins(), declared);
      case 'scatter':
        return this.scatter(s, p, r.ins(), declared);
      case 'convolution': {
        const dims = this.convDims(s, p);
        return dims ? [this.b.emit1('convolution', r.need(2), dims)] : undefined;
      }
      case 'pad':
        return this.pad(s, p, r.need(2));
      default:
        return this.emitElementwise(s, op, p, r) ?? this.emitShapeOp(s, op, p, r, declared) ?? this.emitComposite(op, r);
    }
  }

  /** Unary, binary, convert, compare, select and the dot products. */
  private emitElementwise(s: StmtAst, op: string, p: BodyParts, { need, one }: StmtReader): ValueId[] | undefined {
    const unary = ownEntry(UNARY, op);
    if (unary) return [this.b.emit1(unary, need(1), {})];
    if (BINARY.has(op)) return [this.b.emit1(op as 'add', need(2), {})];
    switch (op) {
      case 'convert': {
        const [x] = need(1);
        const t = one();
        return [this.b.values[x].type.dtype === t.dtype ? x : this.b.emit1('convert', [x], { dtype: t.dtype })];
      }
      case 'compare': {
        const dir = p.bare.find((w) => COMPARE.has(w)) ?? enumOf(p.kv.get('comparison_direction'));
        if (dir === undefined || !COMPARE.has(dir)) throw err(s, 'compare needs a direction (EQ, NE, LT, LE, GT, GE)');
        return [this.b.emit1('compare', need(2), { direction: dir as CompareDirection })];
      }
      case 'select':
        return [this.b.emit1('select', need(3), {})];
      case 'dot_general': {
        const dims = dotDims(s, p);
        return [this.b.emit1('dot_general', need(2), dims)];
      }
      case 'dot': {
        const [l, r] = need(2);
        const lr = this.b.shape(l).length;
        return [this.b.emit1('dot_general', [l, r], { lhsBatch: [], rhsBatch: [], lhsContract: [lr - 1], rhsContract: [0] })];
      }
      default:
        return undefined;
    }
  }

  /** Ops that move or make data without arithmetic: broadcast, reshape, transpose, concatenate, slices, iota, constants. */
  private emitShapeOp(s: StmtAst, op: string, p: BodyParts, { ins, need, one }: StmtReader, declared: TypeAst[]): ValueId[] | undefined {
    switch (op) {
      case 'broadcast_in_dim': {
        const dims = ints(p.kv.get('dims') ?? p.kv.get('broadcast_dimensions'), s, 'broadcast dims');
        return [this.b.emit1('broadcast_in_dim', need(1), { shape: one().shape, dims })];
      }
      case 'reshape':
        return [this.b.emit1('reshape', need(1), { shape: one().shape })];
      case 'transpose':
        return [this.b.emit1('transpose', need(1), { perm: ints(p.kv.get('dims') ?? p.kv.get('permutation'), s, 'permutation') })];
      case 'concatenate':
        return [this.b.emit1('concatenate', ins(), { dim: int(p.kv.get('dim') ?? p.kv.get('dimension'), s, 'dim') })];
      case 'slice': {
        const [x] = need(1);
        if (p.slices) return [this.b.emit1('slice', [x], { start: p.slices.map((q) => q.start), limit: p.slices.map((q) => q.limit), stride: p.slices.map((q) => q.stride) })];
        const start = p.kv.has('start_indices') ? ints(p.kv.get('start_indices'), s, 'start_indices') : [];
        const limit = p.kv.has('limit_indices') ? ints(p.kv.get('limit_indices'), s, 'limit_indices') : [];
        const stride = p.kv.has('strides') ? ints(p.kv.get('strides'), s, 'strides') : start.map(() => 1);
        return [this.b.emit1('slice', [x], { start, limit, stride })];
      }
      case 'dynamic_slice':
        return [this.b.emit1('dynamic_slice', ins(), { sizes: ints(p.kv.get('sizes') ?? p.kv.get('slice_sizes'), s, 'sizes') })];
      case 'dynamic_update_slice':
        return [this.b.emit1('dynamic_update_slice', ins(), {})];
      case 'iota': {
        const t = one();
        return [this.b.emit1('iota', need(0), { shape: t.shape, dim: int(p.kv.get('dim') ?? p.kv.get('iota_dimension'), s, 'dim'), dtype: t.dtype })];
      }
      case 'constant': {
        const lit = p.kv.get('value') ?? p.misc[0];
        if (lit?.kind !== 'dense') return undefined; // dense_resource<…> and other payloads: unknown values
        const t = one();
        const v = denseValues(lit, declared[0]);
        return [this.b.emit1('constant', need(0), { shape: t.shape, dtype: t.dtype, ...v })];
      }
      default:
        return undefined;
    }
  }

  /** Ops outside the IR that are short compositions of IR ops, so that propagation still crosses them. */
  private emitComposite(op: string, { need }: StmtReader): ValueId[] | undefined {
    switch (op) {
      case 'clamp': {
        const [lo, x, hi] = need(3);
        const t = this.b.values[x].type;
        const fit = (v: ValueId) => (this.b.shape(v).length === 0 && t.shape.length > 0 ? this.b.broadcast(v, t.shape, []) : v);
        return [this.b.emit1('minimum', [this.b.emit1('maximum', [x, fit(lo)], {}), fit(hi)], {})];
      }
      case 'exponential_minus_one': {
        const [x] = need(1);
        return [this.b.emit1('subtract', [this.b.emit1('exp', [x], {}), this.b.full(x, 1)], {})];
      }
      case 'log_plus_one': {
        const [x] = need(1);
        return [this.b.emit1('log', [this.b.emit1('add', [x, this.b.full(x, 1)], {})], {})];
      }
      case 'not': {
        const [x] = need(1);
        if (this.b.values[x].type.dtype !== 'bool') return undefined; // bitwise on integers
        return [this.b.emit1('compare', [x, this.b.full(x, 0)], { direction: 'EQ' })];
      }
      case 'and': case 'or': {
        const [x, y] = need(2);
        if (this.b.values[x].type.dtype !== 'bool') return undefined;
        return [op === 'and' ? this.b.select(x, y, this.b.full(x, 0)) : this.b.select(x, this.b.full(x, 1), y)];
      }
      default:
        return undefined;
    }
  }

  private reduce(s: StmtAst, p: BodyParts, vals: ValueId[], declared: TypeAst[]): ValueId[] | undefined {
    if (vals.length !== 2 || declared.length !== 1) return undefined; // variadic reduce (argmax): opaque
    const [x, init] = vals;
    const dims = ints(p.kv.get('dimensions'), s, 'dimensions');
    const applied = p.bare[p.bare.indexOf('applies') + 1];
    const combiner = p.bare.includes('applies') ? applied : regionOp(p.regions[0]);
    const reducer = combiner === 'stablehlo.add' || combiner === 'mhlo.add' ? 'sum' : combiner === 'stablehlo.maximum' || combiner === 'mhlo.maximum' ? 'max' : undefined;
    if (!reducer) return undefined;
    const r = this.b.emit1('reduce', [x], { reducer, dims });
    // the init value joins the result unless it is the reducer's identity (0 for sum, -inf for max)
    const k = this.splatOf(init);
    if (k === (reducer === 'sum' ? 0 : -Infinity)) return [r];
    const bi = this.b.broadcast(init, this.b.shape(r), []);
    return [this.b.emit1(reducer === 'sum' ? 'add' : 'maximum', [r, bi], {})];
  }

  /** Edge padding as slices (negative pads) and concatenations with the pad value; interior padding stays this.opaque. */
  private pad(s: StmtAst, p: BodyParts, [x, value]: ValueId[]): ValueId[] | undefined {
    const lowA = p.kv.get('low') ?? p.kv.get('edge_padding_low');
    const highA = p.kv.get('high') ?? p.kv.get('edge_padding_high');
    const interiorA = p.kv.get('interior') ?? p.kv.get('interior_padding');
    const low = ints(lowA, s, 'low'), high = ints(highA, s, 'high');
    if (interiorA && flat(interiorA).some((v) => v !== 0)) return undefined;
    const shape = this.b.shape(x);
    if (low.length !== shape.length || high.length !== shape.length || this.b.shape(value).length !== 0) return undefined;
    let cur = x;
    if (low.some((v) => v < 0) || high.some((v) => v < 0)) {
      cur = this.b.emit1('slice', [cur], {
        start: low.map((v) => Math.max(0, -v)), limit: shape.map((d, i) => d - Math.max(0, -high[i])), stride: shape.map(() => 1),
      });
    }
    for (let d = 0; d < shape.length; d++) {
      const parts: ValueId[] = [];
      const block = (n: number) => this.b.broadcast(value, this.b.shape(cur).map((z, i) => (i === d ? n : z)), []);
      if (low[d] > 0) parts.push(block(low[d]));
      parts.push(cur);
      if (high[d] > 0) parts.push(block(high[d]));
      if (parts.length > 1) cur = this.b.emit1('concatenate', parts, { dim: d });
    }
    return [cur];
  }

  private splatOf(v: ValueId): number | undefined {
    const d = this.b.values[v].def;
    const op = d >= 0 ? this.b.ops[d] : undefined;
    if (op?.kind !== 'constant') return undefined;
    if (op.attrs.value !== undefined) return op.attrs.value;
    const data = op.attrs.data;
    return data && data.length === 1 ? data[0] : undefined;
  }

  /** A take-along-axis gather (`jnp.take`, embedding lookups), or undefined (this.opaque). */
  private gather(s: StmtAst, p: BodyParts, vals: ValueId[], declared: TypeAst[]): ValueId[] | undefined {
    if (vals.length !== 2 || declared.length !== 1) return undefined;
    const dn = fieldsOf(p.kv.get('dimension_numbers'));
    const [x, idx] = vals;
    if (!dn) return undefined;
    const m = alongAxis(this.b.shape(x), this.b.shape(idx), {
      window: listOf(dn.get('offset_dims')), inserted: listOf(dn.get('collapsed_slice_dims')), toOperand: listOf(dn.get('start_index_map')),
      batching: listOf(dn.get('operand_batching_dims')), ivd: num(dn.get('index_vector_dim')),
    });
    if (!m) return undefined;
    const sizes = p.kv.has('slice_sizes') ? ints(p.kv.get('slice_sizes'), s, 'slice_sizes') : undefined;
    if (!sizes || sizes.some((z, i) => z !== (i === m.axis ? 1 : this.b.shape(x)[i]))) return undefined;
    return [this.b.emit1('gather', [x, this.indexVector(idx, m.indexShape)], { axis: m.axis })];
  }

  /** A scatter-add along one axis (the gradient of a take), or undefined (this.opaque). */
  private scatter(s: StmtAst, p: BodyParts, vals: ValueId[], declared: TypeAst[]): ValueId[] | undefined {
    if (vals.length !== 3 || declared.length !== 1) return undefined;
    const combiner = regionOp(p.regions[0]);
    if (combiner !== 'stablehlo.add' && combiner !== 'mhlo.add') return undefined;
    const dn = fieldsOf(p.kv.get('scatter_dimension_numbers'));
    if (!dn) return undefined;
    const [x, idx, upd] = vals;
    const m = alongAxis(this.b.shape(x), this.b.shape(idx), {
      window: listOf(dn.get('update_window_dims')), inserted: listOf(dn.get('inserted_window_dims')), toOperand: listOf(dn.get('scatter_dims_to_operand_dims')),
      batching: listOf(dn.get('input_batching_dims')), ivd: num(dn.get('index_vector_dim')),
    });
    if (!m) return undefined;
    void s;
    return [this.b.emit1('scatter', [x, this.indexVector(idx, m.indexShape), upd], { axis: m.axis })];
  }

  /** Drops the size-1 index vector dim so the indices have the IR's take-along-axis shape. */
  private indexVector(idx: ValueId, shape: readonly number[]): ValueId {
    const cur = this.b.shape(idx);
    return cur.length === shape.length ? idx : this.b.reshape(idx, shape);
  }

  private convDims(s: StmtAst, p: BodyParts): ConvDims | undefined {
    const raw = p.kv.get('dim_numbers') ?? p.kv.get('dimension_numbers');
    const seq = raw?.kind === 'struct' ? reparse(raw.tokens.slice(2, -1)) : raw;
    if (seq?.kind !== 'seq' || seq.items.length !== 3) throw err(s, 'convolution needs dim_numbers = [this.b, 0, f]x[0, i, o]->[this.b, 0, f]');
    const [inp, ker, out] = seq.items.map((l) => (l.kind === 'list' ? l.items.map((a) => (a.kind === 'int' ? a.value : a.kind === 'enum' ? a.value : '?')) : []));
    const spatial = (l: (number | string)[]) => {
      const n = l.filter((x) => typeof x === 'number').length;
      return Array.from({ length: n }, (_, i) => l.indexOf(i));
    };
    const window = p.kv.get('window');
    const w = window?.kind === 'dict' ? window.entries : new Map<string, Attr>();
    const n = spatial(inp).length;
    const ones = Array.from({ length: n }, () => 1);
    const get = (pretty: string, generic: string) => w.get(pretty) ?? p.kv.get(generic);
    const reverse = get('reverse', 'window_reversal');
    if (reverse && flat(reverse).some((x) => x !== 0)) return undefined;
    const pad = get('pad', 'padding');
    const padFlat = pad ? flat(pad) : [];
    return {
      inputBatch: inp.indexOf('b'), inputFeature: inp.indexOf('f'), inputSpatial: spatial(inp),
      kernelInputFeature: ker.indexOf('i'), kernelOutputFeature: ker.indexOf('o'), kernelSpatial: spatial(ker),
      outputBatch: out.indexOf('b'), outputFeature: out.indexOf('f'), outputSpatial: spatial(out),
      strides: get('stride', 'window_strides') ? flat(get('stride', 'window_strides') as Attr) : ones,
      padding: Array.from({ length: n }, (_, i) => [padFlat[2 * i] ?? 0, padFlat[2 * i + 1] ?? 0] as const),
      lhsDilation: get('lhs_dilate', 'lhs_dilation') ? flat(get('lhs_dilate', 'lhs_dilation') as Attr) : ones,
      rhsDilation: get('rhs_dilate', 'rhs_dilation') ? flat(get('rhs_dilate', 'rhs_dilation') as Attr) : ones,
      featureGroupCount: num(p.kv.get('feature_group_count')) ?? 1,
      batchGroupCount: num(p.kv.get('batch_group_count')) ?? 1,
    };
  }
}

/** Declared result types: the functional signature's results, or the single type of the short form. */
function declaredResults(s: StmtAst): TypeAst[] {
  if (s.outs.length > 0) return [...s.outs];
  const count = s.results.reduce((n, r) => n + r.count, 0);
  if (s.plainTypes && s.plainTypes.length > 0) {
    if (s.plainTypes.length === count) return [...s.plainTypes];
    if (count === 1) return [s.plainTypes[s.plainTypes.length - 1]];
  }
  return [];
}

/** The combining op of a reducer region: its only stablehlo op other than return. */
function regionOp(region: readonly Token[] | undefined): string | undefined {
  if (!region) return undefined;
  const ops = region.filter((t) => t.kind === 'ident' && /^(stablehlo|mhlo)\./.test(t.text) && !/\.return$/.test(t.text)).map((t) => t.text);
  const generic = region.filter((t) => t.kind === 'str' && /^(stablehlo|mhlo)\./.test(t.text) && !/\.return$/.test(t.text)).map((t) => t.text);
  const all = [...ops, ...generic];
  return all.length === 1 ? all[0] : undefined;
}

function reparse(tokens: readonly Token[]): Attr | undefined {
  if (tokens.length === 0) return undefined;
  const end = tokens[tokens.length - 1];
  try {
    return parseAttr(new Cursor([...tokens, { ...end, kind: 'eof', text: '' }]));
  } catch {
    return undefined;
  }
}

function fieldsOf(a: Attr | undefined): Map<string, Attr> | undefined {
  return a?.kind === 'struct' ? a.fields : a?.kind === 'dict' ? a.entries : undefined;
}

function enumOf(a: Attr | undefined): string | undefined {
  return a?.kind === 'enum' ? a.value : a?.kind === 'str' ? a.value : undefined;
}

function num(a: Attr | undefined): number | undefined {
  return a?.kind === 'int' || a?.kind === 'float' ? a.value : undefined;
}

/** Every number in a (nested) list or dense attribute, row-major. */
function flat(a: Attr): number[] {
  switch (a.kind) {
    case 'int': case 'float': return [a.value];
    case 'bool': return [a.value ? 1 : 0];
    case 'list': case 'seq': return a.items.flatMap(flat);
    case 'dense': return a.elems.kind === 'values' ? a.elems.values.map((t) => (t.text === 'true' ? 1 : t.text === 'false' ? 0 : Number(t.text))) : [];
    default: return [];
  }
}

function listOf(a: Attr | undefined): number[] {
  return a ? flat(a) : [];
}

function ints(a: Attr | undefined, s: StmtAst, what: string): number[] {
  if (a === undefined) throw err(s, `"${s.op}" is missing ${what}`);
  const v = flat(a);
  if (v.some((x) => !Number.isInteger(x))) throw err(s, `"${s.op}": ${what} must be integers`);
  return v;
}

function int(a: Attr | undefined, s: StmtAst, what: string): number {
  const v = num(a);
  if (v === undefined || !Number.isInteger(v)) throw err(s, `"${s.op}" is missing ${what}`);
  return v;
}

function dotDims(s: StmtAst, p: BodyParts): AttrMap['dot_general'] {
  const pair = (a: Attr | undefined): [number[], number[]] => {
    if (a === undefined) return [[], []];
    if (a.kind === 'seq' && a.items.length === 2) return [flat(a.items[0]), flat(a.items[1])];
    throw err(s, 'dot_general dims must read "[…] x […]"');
  };
  const dn = fieldsOf(p.kv.get('dot_dimension_numbers'));
  if (dn) {
    return {
      lhsBatch: listOf(dn.get('lhs_batching_dimensions')), rhsBatch: listOf(dn.get('rhs_batching_dimensions')),
      lhsContract: listOf(dn.get('lhs_contracting_dimensions')), rhsContract: listOf(dn.get('rhs_contracting_dimensions')),
    };
  }
  const [lhsBatch, rhsBatch] = pair(p.kv.get('batching_dims'));
  const [lhsContract, rhsContract] = pair(p.kv.get('contracting_dims'));
  return { lhsBatch, rhsBatch, lhsContract, rhsContract };
}

/**
 * Gather/scatter dimension numbers in the take-along-axis form: one operand axis indexed by a
 * scalar index per position, every other operand dim taken whole and laid out as
 * `[..pre, I..., ..post]`. Returns the axis and the index shape without the index vector dim.
 */
export function alongAxis(
  operand: readonly number[], indices: readonly number[],
  d: { window: number[]; inserted: number[]; toOperand: number[]; batching: number[]; ivd: number | undefined },
): { axis: number; indexShape: number[] } | undefined {
  if (d.batching.length > 0 || d.inserted.length !== 1 || d.toOperand.length !== 1 || d.inserted[0] !== d.toOperand[0]) return undefined;
  const axis = d.inserted[0];
  const ivd = d.ivd ?? indices.length;
  let indexShape: number[];
  if (ivd === indices.length) indexShape = [...indices];
  else if (ivd >= 0 && ivd < indices.length && indices[ivd] === 1) indexShape = indices.filter((_, i) => i !== ivd);
  else return undefined;
  const nI = indexShape.length;
  const r = operand.length;
  if (axis < 0 || axis >= r) return undefined;
  const want = [...Array.from({ length: axis }, (_, i) => i), ...Array.from({ length: r - 1 - axis }, (_, i) => axis + nI + i)];
  const got = [...d.window].sort((a, b) => a - b);
  if (got.length !== want.length || got.some((x, i) => x !== want[i])) return undefined;
  return { axis, indexShape };
}

/**
 * Phases: `backward` from `transpose(…)` frames in the locations. The optimizer is what neither
 * feeds the backward pass nor the step's other results (the loss), and either follows the backward
 * pass or is not needed by anything else (the parameter update). Ops without a location (hoisted
 * constants) take the phase of their first user.
 */
function withPhases(p: Program, backward: Set<OpId>, unlocated: Set<OpId>): Program {
  if (backward.size === 0) return p;
  const n = p.ops.length;
  const phase: Phase[] = p.ops.map((op) => (backward.has(op.id) ? 'backward' : 'forward'));
  const after = new Uint8Array(n), feedsBwd = new Uint8Array(n), feedsRoot = new Uint8Array(n);
  for (const op of p.ops) {
    if (backward.has(op.id)) continue;
    for (const v of op.operands) {
      const d = p.values[v].def;
      if (d >= 0 && (backward.has(d) || after[d])) after[op.id] = 1;
    }
  }
  const inputNames = new Set(p.inputs.map((v) => p.values[v].name));
  for (const o of p.outputs) {
    const d = p.values[o.value].def;
    if (d >= 0 && !inputNames.has(o.name)) feedsRoot[d] = 1;
  }
  for (let k = n - 1; k >= 0; k--) {
    const op = p.ops[k];
    const bw = backward.has(k) || feedsBwd[k] === 1;
    for (const v of op.operands) {
      const d = p.values[v].def;
      if (d < 0) continue;
      if (bw) feedsBwd[d] = 1;
      if (feedsRoot[k]) feedsRoot[d] = 1;
    }
  }
  for (const op of p.ops) {
    if (!backward.has(op.id) && !feedsBwd[op.id] && !feedsRoot[op.id] && (after[op.id] || !unlocated.has(op.id))) phase[op.id] = 'optimizer';
  }
  // first user of each op's results, for ops without a location
  const firstUser = new Int32Array(n).fill(-1);
  for (const op of p.ops) {
    for (const v of op.operands) {
      const d = p.values[v].def;
      if (d >= 0 && firstUser[d] < 0) firstUser[d] = op.id;
    }
  }
  for (let k = n - 1; k >= 0; k--) if (unlocated.has(k) && firstUser[k] >= 0) phase[k] = phase[firstUser[k]];
  const ops = p.ops.map((op) => (op.phase === phase[op.id] ? op : ({ ...op, phase: phase[op.id] } as typeof op)));
  // what the backward pass hands to the optimizer are the gradients (for memory accounting)
  for (const op of ops) {
    if (op.phase !== 'optimizer') continue;
    for (const v of op.operands) {
      const d = p.values[v].def;
      if (d >= 0 && phase[d] === 'backward' && p.values[v].role === undefined) p.values[v].role = 'gradient';
    }
  }
  return { ...p, ops };
}

