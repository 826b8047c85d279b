import { describe, expect, it } from 'vitest';
import type { LayoutNode } from '../../worker/layout';
import { graphKeyAction } from './keys';

const node = (id: string, x: number, y: number, kind: LayoutNode['kind'] = 'op', expanded = false): LayoutNode =>
  ({ id, kind, x, y, width: 100, height: 40, label: id, sublabel: '', scope: id, parent: null, expanded, collectives: [], axes: [] }) as unknown as LayoutNode;

describe('graphKeyAction', () => {
  const a = node('a', 0, 0);
  const b = node('b', 0, 100, 'group');
  const c = node('c', 200, 100);
  const open = node('open', 0, 300, 'group', true);
  const nodes = [a, b, c, open];

  it('walks to the nearest drawn node in the arrow direction, never into an open group frame', () => {
    expect(graphKeyAction('ArrowDown', nodes, a)).toEqual({ kind: 'select', node: b });
    expect(graphKeyAction('ArrowRight', nodes, b)).toEqual({ kind: 'select', node: c });
    expect(graphKeyAction('ArrowDown', nodes, b)).toBeNull();
    // nothing selected: the top-left node
    expect(graphKeyAction('ArrowDown', nodes, undefined)).toEqual({ kind: 'select', node: a });
  });

  it('opens or closes a selected group with Enter or Space, and clears the selection with Escape', () => {
    expect(graphKeyAction('Enter', nodes, b)).toEqual({ kind: 'toggle', node: b });
    expect(graphKeyAction(' ', nodes, b)).toEqual({ kind: 'toggle', node: b });
    expect(graphKeyAction('Enter', nodes, a)).toBeNull();
    expect(graphKeyAction('Escape', nodes, a)).toEqual({ kind: 'clear' });
    expect(graphKeyAction('Escape', nodes, undefined)).toBeNull();
    expect(graphKeyAction('x', nodes, a)).toBeNull();
  });
});
