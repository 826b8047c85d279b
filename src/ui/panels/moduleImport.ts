/** Pure document edits of the StableHLO import panel. */
import type { Config, LinkKind } from '../../core/io/config';
import type { ModuleInfo } from '../../worker/protocol';
import { linkKindsFor } from '../docEdits';

/** Tactics for a module without suggested ones: its own shardings (if any) run first. */
export const MODULE_TACTICS = `# The module's own shardings (sdy / mhlo) run first; add tactics after them.
schedule = []
`;

/** The document with `text` as its model; the mesh from the example, else the module's `sdy.mesh`, else unchanged. */
export function withModule(doc: Config, text: string, mesh: { name: string; size: number }[] | undefined, tactics: string): Config {
  const axes = mesh && mesh.length ? mesh.map((a) => ({ name: a.name, size: a.size })) : doc.mesh.axes;
  const kinds = linkKindsFor(doc.hardware.preset);
  // a Map and fromEntries: an axis may be named "__proto__" or "constructor"
  const old = new Map(Object.entries(doc.hardware.links ?? {}));
  const links: Record<string, LinkKind> = Object.fromEntries(axes.map((a) => [a.name, old.get(a.name) ?? kinds[0]]));
  return { ...doc, model: { stablehlo: text }, mesh: { axes }, hardware: { ...doc.hardware, links }, tactics };
}

/**
 * A pasted or dropped module keeps the tactics of a module it replaces on the same mesh (re-importing an
 * edited module); otherwise they were written for another program or mesh, and the module's own start.
 */
export function tacticsForModule(doc: Config, mesh: { name: string; size: number }[] | undefined): string {
  const sameMesh = !mesh || mesh.length === 0 || JSON.stringify(mesh) === JSON.stringify(doc.mesh.axes);
  return 'stablehlo' in doc.model && sameMesh && doc.tactics.trim() ? doc.tactics : MODULE_TACTICS;
}

export const describeError = (e: NonNullable<ModuleInfo['error']>): string =>
  e.range && e.range.line > 0 ? `line ${e.range.line}, column ${e.range.column}: ${e.message.replace(/^\d+:\d+:\s*/, '')}` : e.message;

/** The text offset of a 1-based line and column: where ImportPanel puts the caret on an error. */
export function caretOffset(text: string, line: number, column: number): number {
  const lines = text.split('\n');
  return lines.slice(0, line - 1).reduce((n, l) => n + l.length + 1, 0) + Math.max(0, column - 1);
}
