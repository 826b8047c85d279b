/** Test helpers: wrap op lines in a JAX-shaped module and import it. */
import type { Op, OpKind, Program } from '../../ir/types';
import { importStableHlo, type ImportResult } from './import';

/** `@main(%arg0: T0, …) -> (R…)` around `body`, returning `ret` (`%3 : tensor<…>`). */
export function moduleText(args: readonly string[], body: string, ret: string): string {
  const [vals, types] = ret.split(' : ');
  const resultTypes = types.split(',').map((t) => `${t.trim()} {jax.result_info = ""}`);
  return [
    'module @jit_f attributes {mhlo.num_partitions = 1 : i32, mhlo.num_replicas = 1 : i32} {',
    `  func.func public @main(${args.map((t, i) => `%arg${i}: ${t}`).join(', ')}) -> (${resultTypes.join(', ')}) {`,
    ...body.trim().split('\n').map((l) => `    ${l.trim()}`),
    `    return ${vals} : ${types}`,
    '  }',
    '}',
  ].join('\n');
}

/** Imports and fails loudly (with the diagnostics) when the import did not succeed. */
export function importOk(text: string): ImportResult {
  const r = importStableHlo(text);
  if (!r.ok) throw new Error(`import failed: ${r.diagnostics.map((d) => d.message).join('; ')}`);
  return r;
}

export function opsOf(p: Program, kind: OpKind): Op[] {
  return p.ops.filter((o) => o.kind === kind);
}

/** The only op of `kind`; throws when there are none or several. */
export function theOp<K extends OpKind>(p: Program, kind: K): Extract<Op, { kind: K }> {
  const ops = opsOf(p, kind);
  if (ops.length !== 1) throw new Error(`expected one ${kind} op, found ${ops.length}`);
  return ops[0] as Extract<Op, { kind: K }>;
}

export const shapeOf = (p: Program, v: number): readonly number[] => p.values[v].type.shape;
