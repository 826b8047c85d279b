/**
 * Builders of catalog entries (TacticSpec, ArgSpec), so that the classic presets in catalog.ts and
 * the family presets in familyPresets.ts declare a tactic the same way: the shared `axis` argument,
 * enum arguments whose completion label lists their values, and the preset shape.
 */
import type { ArgSpec, TacticSpec } from './catalog';

/** The mesh-axis argument every partitioning tactic takes. */
export const AXIS_ARG: ArgSpec = { name: 'axis', type: { kind: 'axis' }, required: true, typeLabel: 'str (mesh axis)', doc: 'The mesh axis to shard over, e.g. "batch".' };

/** An optional string argument restricted to `oneOf`, defaulting to `def`; its label reads `"a" | "b"`. */
export function enumArg(name: string, oneOf: readonly string[], def: string, doc: string): ArgSpec {
  return { name, type: { kind: 'enum', oneOf }, required: false, default: def, typeLabel: oneOf.map((v) => `"${v}"`).join(' | '), doc };
}

/** A preset: sugar over ManualPartition, taking `args` (by default only the axis). */
export function presetSpec(name: string, description: string, example: string, args: readonly ArgSpec[] = [AXIS_ARG]): TacticSpec {
  return { name, kind: 'preset', description, args, example };
}
