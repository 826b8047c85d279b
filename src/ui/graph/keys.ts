/** What a key press in the graph does: arrow keys walk the drawn nodes, Enter/Space open or close a group, Escape deselects. */
import type { LayoutNode } from '../../worker/layout';
import { neighbour, type Direction } from './geometry';

export type GraphKeyAction =
  | { kind: 'select'; node: LayoutNode }
  | { kind: 'toggle'; node: LayoutNode }
  | { kind: 'clear' }
  | null;

const DIRECTIONS: Readonly<Record<string, Direction>> = { ArrowUp: 'up', ArrowDown: 'down', ArrowLeft: 'left', ArrowRight: 'right' };

/** The action of `key` with `current` selected; null when the key means nothing here (the browser keeps it). */
export function graphKeyAction(key: string, nodes: readonly LayoutNode[], current: LayoutNode | undefined): GraphKeyAction {
  const dir = DIRECTIONS[key];
  if (dir) {
    const next = neighbour(nodes, current, dir);
    return next ? { kind: 'select', node: next } : null;
  }
  if ((key === 'Enter' || key === ' ') && current?.kind === 'group') return { kind: 'toggle', node: current };
  if (key === 'Escape' && current) return { kind: 'clear' };
  return null;
}
