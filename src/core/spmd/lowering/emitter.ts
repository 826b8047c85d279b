/**
 * The per-device program under construction: appends ops with explicit result types and the scope and
 * phase of the global op each computes or serves, and records that op in `source`.
 */
import { ProgramBuilder } from '../../ir/builder';
import type { AttrsOf, Op, OpKind, Phase, Program, TensorType, ValueId } from '../../ir/types';

export class LocalEmitter {
  readonly builder: ProgramBuilder;
  /** Per local op, the global op it computes or serves (-1 for none). */
  readonly source: number[] = [];

  constructor(private readonly global: Program) {
    this.builder = new ProgramBuilder(global.name);
  }

  /**
   * Appends one op straight to the builder's arrays (cheaper than nesting builder scopes for 10⁵ ops).
   * With `computes`, its results are the local pieces of `served`'s results and carry their names and roles.
   * Every caller passes a fresh operand array, so it is stored as is.
   */
  emit(kind: OpKind, operands: readonly ValueId[], attrs: AttrsOf<OpKind>, types: readonly TensorType[], served: Op | undefined, computes = false): ValueId[] {
    const b = this.builder;
    const id = b.ops.length;
    const results = new Array<ValueId>(types.length);
    for (let index = 0; index < types.length; index++) {
      const vid = b.values.length;
      if (computes && served) {
        // Created with its name and role, rather than given them later, so the value object is
        // allocated once at its final size.
        const gv = this.global.values[served.results[index]];
        b.values.push({ id: vid, type: types[index], def: id, index, name: gv.name, role: gv.role });
      } else {
        b.values.push({ id: vid, type: types[index], def: id, index });
      }
      results[index] = vid;
    }
    const scope = served?.scope ?? '', phase: Phase = served?.phase ?? 'forward';
    b.ops.push({ id, kind, operands, results, attrs, scope, phase } as unknown as Op);
    this.source.push(served?.id ?? -1);
    return results;
  }
}
