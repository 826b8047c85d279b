/** What is selected, for screen readers (the graph host's aria-describedby): "op dot_general selected", "group layer_0 selected". */
import type { LayoutNode } from '../../worker/layout';

export const STATUS_ID = 'graph-kbd-status';

export function selectionStatus(node: LayoutNode | undefined): string {
  if (!node) return '';
  return `${node.kind} ${node.kind === 'group' ? node.scope : node.label} selected`;
}

export function SelectionStatus({ node }: { node: LayoutNode | undefined }) {
  return (
    <div className="graph-sr-only" id={STATUS_ID} aria-live="polite" data-testid="graph-kbd-status">
      {selectionStatus(node)}
    </div>
  );
}
