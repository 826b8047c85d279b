/** SVG drawing of one node and one edge of the laid-out graph (small graphs; one element per node). */
import { memo, type DragEvent } from 'react';
import type { CollectiveMark, LayoutEdge, LayoutNode } from '../../worker/layout';
import { formatBytes } from '../charts/format';
import { COLLECTIVE_COLOR, COLLECTIVE_SHORT, PHASE_COLOR, markFill } from './colors';
import { clip, edgePath, toggleBox, type Box } from './geometry';

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

function CollectiveBadges({ marks, x, y }: { marks: readonly CollectiveMark[]; x: number; y: number }) {
  let dx = 0;
  return (
    <g className="graph-collectives">
      {marks.map((c) => {
        const text = `${COLLECTIVE_SHORT[c.kind]}${c.count > 1 ? `×${c.count}` : ''} ${c.axes.join('+')}`;
        const w = 10 + text.length * 6.2;
        const el = (
          <g key={`${c.kind}-${c.axes.join('+')}`} transform={`translate(${x + dx},${y})`} data-testid="graph-collective" data-kind={c.kind}>
            <rect width={w} height={15} rx={7.5} fill={COLLECTIVE_COLOR[c.kind]} />
            <text x={w / 2} y={11.2} textAnchor="middle" className="graph-collective-text">{text}</text>
            <title>{collectiveTitle(c)}</title>
          </g>
        );
        dx += w + 3;
        return el;
      })}
    </g>
  );
}

interface NodeProps {
  node: LayoutNode;
  colors: ReadonlyMap<string, string>;
  selected: boolean;
  dropping: boolean;
  /** Compare view: this node's sharding differs between A and B (or, for a group, a value inside it). */
  highlighted?: boolean;
  onSelect: (id: string | null, node?: LayoutNode) => void;
  onToggle: (n: LayoutNode) => void;
  onDragOver?: (e: DragEvent) => void;
  onDragLeave?: () => void;
  onDrop?: (e: DragEvent) => void;
}

export const GraphNodeSvg = memo(function GraphNodeSvg({ node: n, colors, selected, dropping, highlighted, onSelect, onToggle, onDragOver, onDragLeave, onDrop }: NodeProps) {
  const cls = `graph-node graph-node-${n.kind}${n.expanded ? ' expanded' : ''}${selected ? ' selected' : ''}${dropping ? ' dropping' : ''}${highlighted ? ' highlighted' : ''}`;
  // Drawn outside the box so that it reads next to the selection outline rather than under it.
  const outline = highlighted && (
    <rect className="graph-highlight" x={n.x - 4} y={n.y - 4} width={n.width + 8} height={n.height + 8} rx={8} data-testid="graph-highlight">
      <title>{n.kind === 'group' && n.highlighted ? `${n.highlighted} value${n.highlighted > 1 ? 's' : ''} inside differ between A and B` : 'sharding differs between A and B'}</title>
    </rect>
  );
  const select = (e: React.MouseEvent) => {
    e.stopPropagation();
    onSelect(n.id, n);
  };
  const toggleBtn = n.kind === 'group' && (
    <g className="graph-toggle" data-testid={`group-toggle-${n.scope}`} role="button" tabIndex={0}
      aria-label={`${n.expanded ? 'Collapse' : 'Expand'} ${n.scope}`}
      onClick={(e) => { e.stopPropagation(); onToggle(n); }}
      onKeyDown={(e) => { if (e.key === 'Enter' || e.key === ' ') { e.preventDefault(); onToggle(n); } }}>
      <rect {...toggleBox(n)} rx={3} />
      <text x={toggleBox(n).x + 8} y={toggleBox(n).y + 12} textAnchor="middle">{n.expanded ? '−' : '+'}</text>
    </g>
  );
  const common = {
    className: cls, 'data-testid': `graph-node-${n.id}`, 'data-kind': n.kind,
    onClick: select, onDoubleClick: (e: React.MouseEvent) => { e.stopPropagation(); onToggle(n); },
    onDragOver, onDragLeave, onDrop,
  };
  if (n.kind === 'group' && n.expanded) {
    return (
      <g {...common}>
        {outline}
        <rect className="graph-group-box" x={n.x} y={n.y} width={n.width} height={n.height} rx={8} />
        <text className="graph-group-title" x={n.x + 10} y={n.y + 18}>{n.label}<tspan className="graph-muted">{`  ${n.sublabel !== n.label ? `${n.sublabel} · ` : ''}${n.opCount ? `${n.opCount} ops` : `${n.inputCount} inputs`}`}</tspan></text>
        {toggleBtn}
      </g>
    );
  }
  const fill = n.kind === 'group' ? '#f1f4f8' : n.kind === 'input' ? '#f2f8f2' : PHASE_COLOR[n.phase ?? 'forward'] ?? '#fff';
  const chars = Math.floor((n.width - 12) / 6.9);
  const sub = n.kind === 'group' ? [n.opCount ? `${n.opCount} ops` : '', n.inputCount ? `${n.inputCount} inputs` : ''].filter(Boolean).join(' · ') : n.sublabel;
  return (
    <g {...common}>
      <title>{`${n.kind === 'group' ? n.scope : n.label}\n${n.sublabel}${n.phase ? `\n${n.phase} · ${n.scope}` : ''}`}</title>
      {outline}
      <rect className="graph-node-box" x={n.x} y={n.y} width={n.width} height={n.height} rx={n.kind === 'group' ? 6 : 4} fill={fill} />
      <AxisBands node={n} colors={colors} />
      <text className="graph-node-label" x={n.x + 7} y={n.y + (n.kind === 'group' ? 23 : 21)}>{clip(n.label, n.kind === 'group' ? chars - 3 : chars)}</text>
      <text className="graph-node-sub" x={n.x + 7} y={n.y + (n.kind === 'group' ? 38 : 35)}>{clip(sub, Math.floor((n.width - 12) / 6.1))}</text>
      {toggleBtn}
      {n.collectives.length > 0 && <CollectiveBadges marks={n.collectives} x={n.x + 4} y={n.y + n.height - 4} />}
    </g>
  );
});

/** Edge labels show on hover, for the selected node's edges and for edges that carry a collective (else they pile up). */
export const GraphEdgeSvg = memo(function GraphEdgeSvg({ edge: e, src, dst, showLabel }: { edge: LayoutEdge; src?: Box; dst?: Box; showLabel: boolean }) {
  const { d, mid } = edgePath(e, src, dst);
  const width = Math.min(4, 1 + Math.log10(1 + e.values));
  return (
    <g className={`graph-edge${e.back ? ' back' : ''}${e.collectives.length ? ' has-collective' : ''}${showLabel ? ' show-label' : ''}`} data-testid={`graph-edge-${e.id}`}>
      <path d={d} strokeWidth={width} markerEnd="url(#graph-arrow)">
        <title>{`${e.label}${e.values > 1 ? ` (${formatBytes(e.bytes)})` : ''}`}</title>
      </path>
      <path d={d} className="graph-edge-hit" />
      <text className="graph-edge-label" x={mid[0] + 4} y={mid[1] - 2}>{clip(e.label, 40)}</text>
      {e.collectives.length > 0 && <CollectiveBadges marks={e.collectives} x={mid[0] + 4} y={mid[1] + 2} />}
    </g>
  );
});
