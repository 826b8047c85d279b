/** The SVG scene of a layout: open groups first (they are backgrounds), then edges, then leaves and collapsed groups on top. */
import { memo } from 'react';
import type { GraphLayout, LayoutEdge, LayoutNode } from '../../worker/layout';
import type { LabelSpot } from './labelPlacement';
import { GraphEdgeSvg, GraphNodeSvg, GroupHeaderSvg, type NodeDnd } from './GraphSvg';

export interface SceneProps {
  layout: GraphLayout;
  byId: ReadonlyMap<string, LayoutNode>;
  /** Edge label spots (labelPlacement.ts), null where there is no room. */
  labels: ReadonlyMap<string, LabelSpot>;
  colors: ReadonlyMap<string, string>;
  selected: string | null;
  dropTarget: string | null;
  highlight?: ReadonlySet<string>;
  searchHits?: ReadonlySet<string>;
  onSelect: (id: string | null, node?: LayoutNode) => void;
  onToggle: (n: LayoutNode) => void;
  dnd?: NodeDnd;
}

export const GraphScene = memo(function GraphScene({ layout, byId, labels, colors, selected, dropTarget, highlight, searchHits, onSelect, onToggle, dnd }: SceneProps) {
  const groups = layout.nodes.filter((n) => n.kind === 'group' && n.expanded);
  const leaves = layout.nodes.filter((n) => !(n.kind === 'group' && n.expanded));
  const nodeProps = (n: LayoutNode) => ({
    node: n, colors, selected: n.id === selected, dropping: n.id === dropTarget,
    highlighted: !!n.highlighted || !!highlight?.has(n.id),
    searchHit: !!searchHits?.has(n.id),
    onSelect, onToggle, dnd,
  });
  return (
    <>
      {groups.map((n) => <GraphNodeSvg key={n.id} {...nodeProps(n)} />)}
      <g className="graph-edges">
        {layout.edges.map((e: LayoutEdge) => (
          <GraphEdgeSvg key={e.id} edge={e} src={byId.get(e.source)} dst={byId.get(e.target)}
            labelAt={labels.get(e.id) ?? (e.source === selected || e.target === selected ? undefined : null)}
            showLabel={e.source === selected || e.target === selected || e.collectives.length > 0} />
        ))}
      </g>
      {groups.map((n) => <GroupHeaderSvg key={n.id} node={n} onToggle={onToggle} />)}
      {leaves.map((n) => <GraphNodeSvg key={n.id} {...nodeProps(n)} />)}
    </>
  );
});
