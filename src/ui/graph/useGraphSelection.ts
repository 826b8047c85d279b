/**
 * Selection and expand/collapse from inside the graph view. The callbacks keep their identity across
 * renders (they read the latest props through refs) so that memoised nodes re-render only when what
 * they draw changes; the refs record what the view itself did, which useGraphZoom reads: a node
 * selected by a click never pans the view, and a group just toggled is kept in sight on a refit.
 */
import { useCallback, useRef } from 'react';
import type { LayoutNode } from '../../worker/layout';

export function useGraphSelection(onSelect: (nodeId: string | null, node?: LayoutNode) => void, onToggleGroup: (scope: string) => void) {
  /** The last node selected by a click in this view. */
  const clickedRef = useRef<string | null>(null);
  /** The group the user last expanded or collapsed here. */
  const toggledRef = useRef<string | null>(null);
  const onSelectRef = useRef(onSelect);
  onSelectRef.current = onSelect;
  const onToggleRef = useRef(onToggleGroup);
  onToggleRef.current = onToggleGroup;

  /** A selection by pointer: it never moves the view. */
  const selectHere = useCallback((id: string | null, n?: LayoutNode) => {
    clickedRef.current = id;
    onSelectRef.current(id, n);
  }, []);
  /** A selection by keyboard: the node is brought into view. */
  const selectAndShow = useCallback((id: string, n: LayoutNode) => {
    clickedRef.current = null;
    onSelectRef.current(id, n);
  }, []);
  const clear = useCallback(() => onSelectRef.current(null), []);
  const toggle = useCallback((n: LayoutNode) => {
    if (n.kind !== 'group') return;
    toggledRef.current = n.id;
    onToggleRef.current(n.scope);
  }, []);
  return { clickedRef, toggledRef, selectHere, selectAndShow, clear, toggle };
}
