/** Small helpers for emitting Python source: literals, identifiers, and a tree of values keyed by path. */
import { UserError } from '../../errors';

import { pyKeyString, pyString } from './escape';

/** A Python string literal in single quotes (axis names in PartitionSpecs, as JAX's docs write them). */
export const pyStr = pyString;

/** A Python string literal in double quotes (dict keys). */
export const pyKey = pyKeyString;

const KEYWORDS = new Set([
  'False', 'None', 'True', 'and', 'as', 'assert', 'async', 'await', 'break', 'class', 'continue', 'def', 'del',
  'elif', 'else', 'except', 'finally', 'for', 'from', 'global', 'if', 'import', 'in', 'is', 'lambda', 'nonlocal',
  'not', 'or', 'pass', 'raise', 'return', 'try', 'while', 'with', 'yield',
]);

/** A valid Python identifier for `name` (a step argument named after a top-level path group). */
export function pyIdent(name: string, taken: Set<string>): string {
  // ASCII word characters only: everything else (quotes, control characters, non-ASCII) becomes `_`
  let id = name.replace(/[^A-Za-z0-9_]/g, '_');
  if (id === '' || /^\d/.test(id)) id = `_${id}`;
  if (KEYWORDS.has(id)) id = `${id}_`;
  let out = id;
  for (let k = 2; taken.has(out); k++) out = `${id}_${k}`;
  taken.add(out);
  return out;
}

/** Nested dicts mirroring `/`-separated paths; leaves carry `T`. Insertion order is kept. */
export type PathTree<T> = { kind: 'leaf'; value: T; path: string } | { kind: 'dict'; children: Map<string, PathTree<T>> };

export function pathTree<T>(entries: readonly { path: string; value: T }[], what: string): Map<string, PathTree<T>> {
  const root = new Map<string, PathTree<T>>();
  for (const { path, value } of entries) {
    const parts = path.split('/');
    let level = root;
    parts.forEach((key, i) => {
      const existing = level.get(key);
      const last = i === parts.length - 1;
      if (last) {
        // a path that is also a prefix of another cannot be both a leaf and a dict in a pytree
        if (existing) throw new UserError('export', `${what}: "${path}" is both a value and a prefix of other values; JAX pytrees cannot hold both`);
        level.set(key, { kind: 'leaf', value, path });
        return;
      }
      if (existing?.kind === 'leaf') throw new UserError('export', `${what}: "${existing.path}" is both a value and a prefix of "${path}"; JAX pytrees cannot hold both`);
      const node: PathTree<T> = existing ?? { kind: 'dict', children: new Map() };
      if (!existing) level.set(key, node);
      level = (node as { children: Map<string, PathTree<T>> }).children;
    });
  }
  return root;
}

/**
 * The tree as a Python dict literal, one leaf per line. `leaf` returns the expression and an
 * optional trailing comment.
 */
export function pyDict<T>(tree: Map<string, PathTree<T>>, leaf: (value: T, path: string) => { expr: string; comment?: string }, indent = ''): string {
  if (tree.size === 0) return '{}';
  const inner = `${indent}    `;
  const lines: string[] = ['{'];
  for (const [key, node] of tree) {
    if (node.kind === 'dict') {
      lines.push(`${inner}${pyKey(key)}: ${pyDict(node.children, leaf, inner)},`);
    } else {
      const { expr, comment } = leaf(node.value, node.path);
      lines.push(`${inner}${pyKey(key)}: ${expr},${comment ? `  # ${comment}` : ''}`);
    }
  }
  lines.push(`${indent}}`);
  return lines.join('\n');
}
