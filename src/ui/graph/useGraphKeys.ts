/** The graph host's key handler: arrow keys walk the drawn nodes, Enter opens or closes the selected group, Escape deselects (keys.ts). */
import { useCallback, type KeyboardEvent } from 'react';
import type { GraphLayout, LayoutNode } from '../../worker/layout';
import { graphKeyAction } from './keys';

export interface GraphKeysInput {
  layout: GraphLayout | null;
  selected: string | null;
  byId: ReadonlyMap<string, LayoutNode>;
  /** Selects and brings into view (a keyboard move is not a click). */
  select: (id: string, n: LayoutNode) => void;
  clear: () => void;
  toggle: (n: LayoutNode) => void;
}

export function useGraphKeys({ layout, selected, byId, select, clear, toggle }: GraphKeysInput) {
  return useCallback((e: KeyboardEvent<HTMLElement>) => {
    // keys typed into the host's children (the minimap, the off-screen toggles) are theirs
    if (!layout || e.target !== e.currentTarget) return;
    const action = graphKeyAction(e.key, layout.nodes, selected ? byId.get(selected) : undefined);
    if (e.key.startsWith('Arrow') || action?.kind === 'toggle') e.preventDefault();
    if (action?.kind === 'select') select(action.node.id, action.node);
    else if (action?.kind === 'toggle') toggle(action.node);
    else if (action?.kind === 'clear') clear();
  }, [layout, selected, byId, select, clear, toggle]);
}
