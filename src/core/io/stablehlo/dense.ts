/** Element types and `dense<…>` payloads: MLIR literals (decimal, hex bit patterns, hex strings) → numbers. */
import { UserError } from '../../errors';
import type { DType, TensorType } from '../../ir/types';
import type { Attr, TypeAst } from './ast';
import type { Token } from './lexer';
import { lookup } from '../../record';

/** MLIR element type → IR dtype: i64 and other integers become i32, i1 bool, f64 f32. */
export function dtypeOf(elem: string): DType | undefined {
  if (elem === 'f32' || elem === 'bf16' || elem === 'f16') return elem;
  if (elem === 'f64') return 'f32';
  if (elem === 'i1') return 'bool';
  if (/^u?i(8|16|32|64)$/.test(elem)) return 'i32';
  return undefined;
}

export function irType(t: TypeAst, where: string): TensorType {
  const dtype = t.unsupported === undefined ? dtypeOf(t.elem) : undefined;
  if (dtype === undefined) throw new UserError('stablehlo-type', `${where}: type ${t.unsupported ?? `tensor<…x${t.elem}>`} is not supported (static tensors of f32, bf16, f16, f64, integers or i1 only)`, { where: 'model.stablehlo' });
  return { shape: t.shape, dtype };
}

const BYTES: Record<string, number> = { f32: 4, f16: 2, bf16: 2, f64: 8, i1: 1, i8: 1, i16: 2, i32: 4, i64: 8, ui8: 1, ui16: 2, ui32: 4, ui64: 8 };

/** A float from its bit pattern (as MLIR prints NaN, ±inf and exact values: `0xFF800000`). */
function fromBits(bits: bigint, elem: string): number {
  const dv = new DataView(new ArrayBuffer(8));
  switch (elem) {
    case 'f32': dv.setUint32(0, Number(bits & 0xffffffffn)); return dv.getFloat32(0);
    case 'bf16': dv.setUint32(0, Number(bits & 0xffffn) << 16 >>> 0); return dv.getFloat32(0);
    case 'f64': dv.setBigUint64(0, bits & 0xffffffffffffffffn); return dv.getFloat64(0);
    case 'f16': {
      const h = Number(bits & 0xffffn);
      const s = h & 0x8000 ? -1 : 1, e = (h >> 10) & 0x1f, m = h & 0x3ff;
      if (e === 0) return s * m * 2 ** -24;
      if (e === 31) return m ? NaN : s * Infinity;
      return s * (1 + m / 1024) * 2 ** (e - 15);
    }
    default: {
      const w = BigInt((lookup(BYTES, elem) ?? 8) * 8);
      let v = bits & ((1n << w) - 1n);
      if (!elem.startsWith('u') && elem !== 'i1' && v >= 1n << (w - 1n)) v -= 1n << w;
      return Number(v);
    }
  }
}

function literal(t: Token, elem: string): number {
  if (t.text === 'true') return 1;
  if (t.text === 'false') return 0;
  if (/^0x/i.test(t.text)) return fromBits(BigInt(t.text), elem);
  const v = Number(t.text);
  if (Number.isNaN(v)) throw new UserError('stablehlo-syntax', `${t.line}:${t.col}: bad literal "${t.text}"`, { where: 'model.stablehlo' });
  return v;
}

/** The constant attrs for a `dense<…>` of type `type`: a splat value or row-major data. */
export function denseValues(a: Attr, type: TypeAst): { value?: number; data?: number[] } {
  if (a.kind !== 'dense') throw new UserError('stablehlo-syntax', 'expected dense<…>', { where: 'model.stablehlo' });
  const n = type.shape.reduce((x, y) => x * y, 1);
  const elem = type.elem;
  if (a.elems.kind === 'hex') {
    const size = lookup(BYTES, elem);
    if (size === undefined) throw new UserError('stablehlo-type', `hex constant of element type ${elem} is not supported`, { where: 'model.stablehlo' });
    const hex = a.elems.hex;
    const count = hex.length / 2 / size;
    const out: number[] = [];
    for (let k = 0; k < count; k++) {
      let bits = 0n;
      for (let b = size - 1; b >= 0; b--) bits = (bits << 8n) | BigInt(parseInt(hex.slice((k * size + b) * 2, (k * size + b) * 2 + 2), 16));
      out.push(fromBits(bits, elem));
    }
    if (count === 1 && n !== 1) return { value: out[0] };
    if (count !== n) throw new UserError('stablehlo-syntax', `hex constant has ${count} elements, type needs ${n}`, { where: 'model.stablehlo' });
    return { data: out };
  }
  const vals = a.elems.values.map((t) => literal(t, elem));
  if (a.elems.splat && vals.length === 1) return { value: vals[0] };
  if (vals.length === 1 && n !== 1) return { value: vals[0] };
  if (vals.length !== n) {
    const at = a.elems.values[0];
    throw new UserError('stablehlo-syntax', `${at ? `${at.line}:${at.col}: ` : ''}dense constant has ${vals.length} elements, type needs ${n}`, { where: 'model.stablehlo' });
  }
  return { data: vals };
}
