/**
 * Dropping a palette tactic onto a node (HTML5 drag and drop): the node under the drag is marked, and
 * the drop hands the node and the payload to the shell. The handlers given to nodes are stable (they
 * route to the latest state through a ref) so that a drag does not re-render every node.
 */
import { useMemo, useRef, useState, type DragEvent } from 'react';
import type { NodeDnd } from './GraphSvg';

/** The drag payload type the palette sets (src/ui/palette.tsx); plain text is accepted too. */
export const TACTIC_MIME = 'application/x-partir-tactic';

/** The tactic a drop carries, or '' when it carries none. */
export const dropPayload = (data: Pick<DataTransfer, 'getData'>): string => data.getData(TACTIC_MIME) || data.getData('text/plain');

export function useNodeDrop(onDropTactic: ((nodeId: string, payload: string) => void) | undefined) {
  const [dropTarget, setDropTarget] = useState<string | null>(null);
  const latest = useRef({ onDropTactic, dropTarget });
  latest.current = { onDropTactic, dropTarget };

  /** The drop itself (also used by the canvas renderer, which hit-tests the node). */
  const dropOn = useMemo(() => (id: string, e: DragEvent) => {
    const handler = latest.current.onDropTactic;
    if (!handler) return;
    e.preventDefault();
    e.stopPropagation();
    setDropTarget(null);
    const payload = dropPayload(e.dataTransfer);
    if (payload) handler(id, payload);
  }, []);

  const dnd = useMemo<NodeDnd>(() => ({
    over: (id, e) => {
      if (!latest.current.onDropTactic) return;
      e.preventDefault();
      e.dataTransfer.dropEffect = 'copy';
      if (latest.current.dropTarget !== id) setDropTarget(id);
    },
    leave: () => setDropTarget(null),
    drop: dropOn,
  }), [dropOn]);

  return { dropTarget, dnd: onDropTactic ? dnd : undefined, dropOn };
}
