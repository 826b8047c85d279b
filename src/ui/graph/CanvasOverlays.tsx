/**
 * What the canvas renderer adds over its pixels: a tooltip for the node under the pointer (the canvas has no
 * <title>s), and off-screen buttons that keep every group's expand/collapse reachable from the keyboard.
 */
import type { GraphLayout, LayoutNode } from '../../worker/layout';
import { stagesLabel } from './colors';
import { collectiveTitle } from './GraphSvg';

export function CanvasTooltip({ node, x, y }: { node: LayoutNode; x: number; y: number }) {
  const sub = node.kind === 'group'
    ? [node.opCount ? `${node.opCount} ops` : '', node.inputCount ? `${node.inputCount} inputs` : ''].filter(Boolean).join(' · ')
    : node.sublabel;
  return (
    <div className="graph-tooltip" style={{ left: x + 14, top: y + 14 }} data-testid="graph-tooltip">
      <b>{node.kind === 'group' ? node.scope : node.label}</b>
      <div className="graph-tooltip-sub">{sub}</div>
      {stagesLabel(node.pipelineStages) && <div data-testid="graph-tooltip-stages">{stagesLabel(node.pipelineStages)}</div>}
      {node.collectives.map((c) => <div key={`${c.kind}-${c.axes.join('+')}`}>{collectiveTitle(c)}</div>)}
    </div>
  );
}

export function GroupToggles({ layout, onToggle }: { layout: GraphLayout; onToggle: (n: LayoutNode) => void }) {
  return (
    <ul className="graph-sr-only" aria-label="Groups">
      {layout.nodes.filter((n) => n.kind === 'group').map((n) => (
        <li key={n.id}>
          <button type="button" tabIndex={-1} data-testid={`group-toggle-${n.scope}`} onClick={(e) => {
            e.stopPropagation(); // the host would hit-test the click on the canvas too
            onToggle(n);
          }}>
            {`${n.expanded ? 'Collapse' : 'Expand'} ${n.scope}`}
          </button>
        </li>
      ))}
    </ul>
  );
}
