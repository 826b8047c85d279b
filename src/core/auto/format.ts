/**
 * The chosen actions as tactic text a user can paste in place of the AutomaticPartition: one
 * ManualPartition per axis, in the syntax the parser reads (docs/tactics.md).
 */
import type { ManualTacticAst } from '../tactics/types';

/** Entries per line before the dict is broken over several lines. */
const INLINE_ENTRIES = 2;

const dimText = (d: ManualTacticAst['inputs'][number]['dim']): string => (typeof d === 'number' ? String(d) : d);

export function formatTactic(ast: ManualTacticAst): string {
  const entries = ast.inputs.map((e) => `${JSON.stringify(e.glob)}: ${dimText(e.dim)}`);
  const dict = entries.length <= INLINE_ENTRIES
    ? `{${entries.join(', ')}}`
    : `{\n${entries.map((e) => `    ${e},`).join('\n')}\n}`;
  return `${ast.name} = ManualPartition(inputs=${dict}, axis=${JSON.stringify(ast.axis)})`;
}

export function formatTactics(asts: readonly ManualTacticAst[]): string {
  return asts.map(formatTactic).join('\n');
}
