/** SVG drawing of one node and one edge of the laid-out graph (small graphs; one element per node). */
import { memo, type DragEvent } from 'react';
import type { CollectiveMark, LayoutEdge, LayoutNode } from '../../worker/layout';
import { formatBytes } from '../charts/format';
import { BADGE_H, MORE_W, badgeRow } from './badges';
import { COLLECTIVE_COLOR, PHASE_COLOR, STAGE_STRIPE_W, markFill, stageStripes, stagesLabel } from './colors';
import { EDGE_PILLS_W, edgeLabelText, type LabelSpot } from './labelPlacement';
import { BADGE_INSET, badgeRowY } from './nodeSizing';
import { clip, edgePath, sameBox, sameEdge, sameNode, toggleBox, type Box } from './geometry';

const BAND_H = 5;


export function collectiveTitle(c: CollectiveMark): string {
  return `${c.kind} over ${c.axes.join('+')}: ${formatBytes(c.bytes)}${c.count > 1 ? ` in ${c.count} collectives` : ''}`;
}

/** One band per mesh axis along the top edge: the axis colour when tiled, pale when partial, grey when replicated. */
function AxisBands({ node, colors }: { node: LayoutNode; colors: ReadonlyMap<string, string> }) {
  if (node.axes.length === 0) return null;
  const w = (node.width - 8) / node.axes.length;
  return (
    <g className="graph-axis-bands">
      {node.axes.map((a, i) => (
        <rect key={a.axis} x={node.x + 4 + i * w} y={node.y + 3} width={Math.max(1, w - 2)} height={BAND_H} rx={2}
          fill={markFill(a, colors)} opacity={a.fraction === undefined || a.state === 'replicated' ? 1 : 0.35 + 0.65 * a.fraction}
          data-axis={a.axis} data-state={a.state}>
          <title>{`${a.axis}: ${a.state}${a.dim !== undefined ? ` dim ${a.dim}` : ''}${a.fraction !== undefined ? ` (${Math.round(a.fraction * 100)} % of values)` : ''}`}</title>
        </rect>
      ))}
    </g>
  );
}

/** The pipeline stages that run the node: a stripe down its left edge, one segment per stage. */
function StageStripe({ node }: { node: LayoutNode }) {
  const stripes = stageStripes(node.pipelineStages, node.height);
  if (!stripes.length) return null;
  return (
    <g className="graph-stage-stripe" data-testid="graph-stage-stripe" data-stages={node.pipelineStages!.join(',')}>
      {stripes.map((s) => (
        <rect key={s.stage} x={0} y={s.y} width={STAGE_STRIPE_W} height={s.height} fill={s.color} data-stage={s.stage}>
          <title>{stagesLabel([s.stage])}</title>
        </rect>
      ))}
    </g>
  );
}

/**
 * Collective pills in a row no wider than `maxWidth` (badges.ts): those that fit, then a `+N` pill
 * standing for the rest (its tooltip lists them), so that badges never run past their node.
 */
function CollectiveBadges({ marks, x, y, maxWidth }: { marks: readonly CollectiveMark[]; x: number; y: number; maxWidth: number }) {
  const row = badgeRow(marks, maxWidth);
  return (
    <g className="graph-collectives">
      {row.shown.map((b) => (
        <g key={`${b.mark.kind}-${b.mark.axes.join('+')}`} transform={`translate(${x + b.x},${y})`} data-testid="graph-collective" data-kind={b.mark.kind}>
          <rect width={b.width} height={BADGE_H} rx={BADGE_H / 2} fill={COLLECTIVE_COLOR[b.mark.kind]} />
          <text x={b.width / 2} y={11.2} textAnchor="middle" className="graph-collective-text">{b.text}</text>
          <title>{collectiveTitle(b.mark)}</title>
        </g>
      ))}
      {row.hidden.length > 0 && (
        <g transform={`translate(${x + row.moreX},${y})`} data-testid="graph-collective-more" data-count={row.hidden.length}>
          <rect width={MORE_W} height={BADGE_H} rx={BADGE_H / 2} fill="#5b6673" />
          <text x={MORE_W / 2} y={11.2} textAnchor="middle" className="graph-collective-text">{`+${row.hidden.length}`}</text>
          <title>{row.hidden.map(collectiveTitle).join('\n')}</title>
        </g>
      )}
    </g>
  );
}

/** Drag-and-drop handlers shared by every node (stable: the view routes them to its latest state). */
export interface NodeDnd {
  over: (id: string, e: DragEvent) => void;
  leave: () => void;
  drop: (id: string, e: DragEvent) => void;
}

interface NodeProps {
  node: LayoutNode;
  colors: ReadonlyMap<string, string>;
  selected: boolean;
  dropping: boolean;
  /** Compare view: this node's sharding differs between A and B (or, for a group, a value inside it). */
  highlighted?: boolean;
  /** The node matches the search box. */
  searchHit?: boolean;
  /** Stable callbacks (the view keeps their identity), so that a node re-renders only when it changes. */
  onSelect: (id: string | null, node?: LayoutNode) => void;
  onToggle: (n: LayoutNode) => void;
  dnd?: NodeDnd;
}

const sameProps = (a: NodeProps, b: NodeProps, withPosition: boolean): boolean =>
  a.colors === b.colors && a.selected === b.selected && a.dropping === b.dropping && a.highlighted === b.highlighted
  && a.searchHit === b.searchHit && a.onSelect === b.onSelect && a.onToggle === b.onToggle && a.dnd === b.dnd && sameNode(a.node, b.node, withPosition);

/**
 * One node, placed by a translate: expanding a group moves every node below it, and a move then costs
 * one attribute on the outer <g> while the body (memoised without the position) is left alone.
 */
export const GraphNodeSvg = memo(function GraphNodeSvg(props: NodeProps) {
  const { node: n, selected, dropping, highlighted, searchHit, onSelect, onToggle, dnd } = props;
  const cls = `graph-node graph-node-${n.kind}${n.expanded ? ' expanded' : ''}${selected ? ' selected' : ''}${dropping ? ' dropping' : ''}${highlighted ? ' highlighted' : ''}${searchHit ? ' search-hit' : ''}`;
  return (
    <g className={cls} data-testid={`graph-node-${n.id}`} data-kind={n.kind} transform={`translate(${n.x},${n.y})`}
      onClick={(e) => { e.stopPropagation(); onSelect(n.id, n); }}
      onDoubleClick={(e) => { e.stopPropagation(); onToggle(n); }}
      onDragOver={dnd ? (e) => dnd.over(n.id, e) : undefined}
      onDragLeave={dnd ? () => dnd.leave() : undefined}
      onDrop={dnd ? (e) => dnd.drop(n.id, e) : undefined}>
      <NodeBody {...props} />
    </g>
  );
}, (a, b) => sameProps(a, b, true));

/** The node's contents in its own coordinates (top-left at 0, 0). */
const NodeBody = memo(function NodeBody({ node, colors, highlighted, onToggle }: NodeProps) {
  const n: LayoutNode = { ...node, x: 0, y: 0 };
  // Drawn outside the box so that it reads next to the selection outline rather than under it.
  const outline = highlighted && (
    <rect className="graph-highlight" x={-4} y={-4} width={n.width + 8} height={n.height + 8} rx={8} data-testid="graph-highlight">
      <title>{n.kind === 'group' && n.highlighted ? `${n.highlighted} value${n.highlighted > 1 ? 's' : ''} inside differ between A and B` : 'sharding differs between A and B'}</title>
    </rect>
  );
  const toggleBtn = n.kind === 'group' && <GroupToggle node={node} local={n} onToggle={onToggle} />;
  if (n.kind === 'group' && n.expanded) {
    // The title and toggle of an open group are drawn by GroupHeaderSvg, above the edges that cross it.
    return (
      <>
        {outline}
        <rect className="graph-group-box" x={0} y={0} width={n.width} height={n.height} rx={8} />
      </>
    );
  }
  const fill = n.kind === 'group' ? '#f1f4f8' : n.kind === 'input' ? '#f2f8f2' : PHASE_COLOR[n.phase ?? 'forward'] ?? '#fff';
  const chars = Math.floor((n.width - 12) / 6.9);
  const sub = n.kind === 'group' ? [n.opCount ? `${n.opCount} ops` : '', n.inputCount ? `${n.inputCount} inputs` : ''].filter(Boolean).join(' · ') : n.sublabel;
  return (
    <>
      <title>{`${n.kind === 'group' ? n.scope : n.label}\n${n.sublabel}${n.phase ? `\n${n.phase} · ${n.scope}` : ''}${n.constants ? `\nconstants: ${n.constants.join(', ')}` : ''}${n.pipelineStages?.length ? `\n${stagesLabel(n.pipelineStages)}` : ''}`}</title>
      {outline}
      <rect className="graph-node-box" x={0} y={0} width={n.width} height={n.height} rx={n.kind === 'group' ? 6 : 4} fill={fill} />
      <AxisBands node={n} colors={colors} />
      <StageStripe node={n} />
      <text className="graph-node-label" x={9} y={n.kind === 'group' ? 23 : 21}>{clip(n.label, n.kind === 'group' ? chars - 3 : chars)}</text>
      <text className="graph-node-sub" x={9} y={n.kind === 'group' ? 38 : 35}>{clip(sub, Math.floor((n.width - 12) / 6.1))}</text>
      {toggleBtn}
      {n.collectives.length > 0 && <CollectiveBadges marks={n.collectives} x={BADGE_INSET} y={badgeRowY(n)} maxWidth={n.width - 2 * BADGE_INSET} />}
    </>
  );
}, (a, b) => sameProps(a, b, false));

function GroupToggle({ node, local, onToggle }: { node: LayoutNode; local: LayoutNode; onToggle: (n: LayoutNode) => void }) {
  const b = toggleBox(local);
  return (
    <g className="graph-toggle" data-testid={`group-toggle-${node.scope}`} role="button" tabIndex={-1}
      aria-label={`${node.expanded ? 'Collapse' : 'Expand'} ${node.scope}`}
      onClick={(e) => { e.stopPropagation(); onToggle(node); }}
      onDoubleClick={(e) => e.stopPropagation()}
      onKeyDown={(e) => { if (e.key === 'Enter' || e.key === ' ') { e.preventDefault(); onToggle(node); } }}>
      <rect {...b} rx={3} />
      <text x={b.x + 8} y={b.y + 12} textAnchor="middle">{node.expanded ? '−' : '+'}</text>
    </g>
  );
}

/** Title and toggle of an open group, drawn after the edges so that the edges crossing the group do not hide them. */
export const GroupHeaderSvg = memo(function GroupHeaderSvg({ node, onToggle }: { node: LayoutNode; onToggle: (n: LayoutNode) => void }) {
  const local: LayoutNode = { ...node, x: 0, y: 0 };
  return (
    <g className="graph-group-header" transform={`translate(${node.x},${node.y})`}>
      <text className="graph-group-title" x={10} y={18}>{node.label}<tspan className="graph-muted">{`  ${node.sublabel !== node.label ? `${node.sublabel} · ` : ''}${node.opCount ? `${node.opCount} ops` : `${node.inputCount} inputs`}`}</tspan></text>
      <GroupToggle node={node} local={local} onToggle={onToggle} />
    </g>
  );
}, (a, b) => a.onToggle === b.onToggle && sameNode(a.node, b.node, true));

/** Edge labels show on hover, for the selected node's edges and for edges that carry a collective (else they pile up). */
interface EdgeProps {
  edge: LayoutEdge;
  src?: Box;
  dst?: Box;
  showLabel: boolean;
  /** Where the label goes (placeEdgeLabels: free of other labels and nodes), or null: no room, shown on hover only. */
  labelAt?: LabelSpot;
}

export const GraphEdgeSvg = memo(function GraphEdgeSvg({ edge: e, src, dst, showLabel, labelAt }: EdgeProps) {
  const { d, mid } = edgePath(e, src, dst);
  const at = labelAt ?? ([mid[0] + 4, mid[1]] as const);
  const width = Math.min(4, 1 + Math.log10(1 + e.values));
  return (
    <g className={`graph-edge${e.back ? ' back' : ''}${e.collectives.length ? ' has-collective' : ''}${showLabel ? ' show-label' : ''}${labelAt === null ? ' no-room' : ''}`} data-testid={`graph-edge-${e.id}`}>
      <path d={d} strokeWidth={width} markerEnd="url(#graph-arrow)">
        <title>{`${e.label}${e.values > 1 ? ` (${formatBytes(e.bytes)})` : ''}`}</title>
      </path>
      <path d={d} className="graph-edge-hit" />
      <text className="graph-edge-label" x={at[0]} y={at[1] - 2}>{edgeLabelText(e)}</text>
      {e.collectives.length > 0 && <CollectiveBadges marks={e.collectives} x={at[0]} y={at[1] + 2} maxWidth={EDGE_PILLS_W} />}
    </g>
  );
}, (a, b) => a.showLabel === b.showLabel && a.labelAt === b.labelAt && sameEdge(a.edge, b.edge) && sameBox(a.src, b.src) && sameBox(a.dst, b.dst));
