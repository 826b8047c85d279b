/**
 * The sharded dataflow graph: draws a worker-computed GraphLayout (positions never computed here),
 * with d3-zoom for pan and zoom. Small graphs are SVG (one element per node, with data-testids);
 * past CANVAS_THRESHOLD elements it draws on a canvas and hit-tests clicks instead.
 * Props only: the shell owns the state and asks the worker for a new layout on toggle. Its pieces: the
 * SVG scene (GraphScene), pan/zoom/fit (useGraphZoom), keys (keys.ts), the canvas (GraphCanvas) and its
 * overlays (CanvasOverlays), the minimap, the legend and the stage slider.
 */
import { useCallback, useEffect, useMemo, useRef, useState, type DragEvent, type KeyboardEvent, type ReactNode } from 'react';
import type { CollectiveMark, GraphLayout, LayoutNode } from '../../worker/layout';
import { axisColorMap } from './colors';
import { hitTest, onToggleBox, svgElementEstimate } from './geometry';
import type { NodeDnd } from './GraphSvg';
import { drawCanvas } from './GraphCanvas';
import { GraphLegend } from './GraphLegend';
import { GraphScene } from './GraphScene';
import { CanvasTooltip, GroupToggles } from './CanvasOverlays';
import { graphKeyAction } from './keys';
import { StageSlider } from './StageSlider';
import { Minimap, minimapSize } from './Minimap';
import { useGraphZoom } from './useGraphZoom';
import { placeEdgeLabels, type LabelSpot } from './labelPlacement';
import { sizeNodesToBadges } from './nodeSizing';
import './graph.css';

export const CANVAS_THRESHOLD = 2500;

export interface GraphViewProps {
  layout: GraphLayout | null;
  selected: string | null;
  onSelect: (nodeId: string | null, node?: LayoutNode) => void;
  /** Expand or collapse the group with this scope (the shell asks the worker for a new layout). */
  onToggleGroup: (scope: string) => void;
  /** Number of stages (tactics), the stage shown (-1 = before any tactic) and its setter. */
  stages: number;
  stage: number;
  onStage: (stage: number) => void;
  /** Optional tactic names per stage, for the slider label. */
  stageNames?: readonly string[];
  /** A palette item dropped on a node (HTML5 drag and drop; payload from `application/x-partir-tactic` or text). */
  onDropTactic?: (nodeId: string, payload: string) => void;
  /** Force a renderer (tests, screenshots); by default canvas past CANVAS_THRESHOLD elements. */
  renderer?: 'svg' | 'canvas';
  /**
   * Node ids to mark (compare view: sharding differs between A and B). Collapsed groups that hide a
   * marked value come marked from the layout itself (`LayoutNode.highlighted`, via `highlightValues`).
   */
  highlight?: ReadonlySet<string>;
  /** Node ids that match the search box (drawn with a search mark). */
  searchHits?: ReadonlySet<string>;
  /** Extra controls for the toolbar (the search box). */
  toolbarExtra?: ReactNode;
}

export const TACTIC_MIME = 'application/x-partir-tactic';

export function GraphView(props: GraphViewProps) {
  const { layout: given, selected, onSelect, onToggleGroup, stages, stage, onStage, stageNames, onDropTactic, highlight, searchHits, toolbarExtra } = props;
  const hostRef = useRef<HTMLDivElement>(null);
  const viewportRef = useRef<SVGGElement>(null);
  const canvasRef = useRef<HTMLCanvasElement>(null);
  /** The group the user last expanded or collapsed here, to keep it in view when the graph is refitted. */
  const toggledRef = useRef<string | null>(null);
  const [dropTarget, setDropTarget] = useState<string | null>(null);
  /** Canvas mode has no <title>s: the node under the pointer, shown in a small tooltip. */
  const [hover, setHover] = useState<{ node: LayoutNode; x: number; y: number } | null>(null);
  /** The last node selected by a click in this view (such a selection never pans the view). */
  const clickedRef = useRef<string | null>(null);
  // Callbacks handed to nodes keep their identity across renders (they read the latest props through
  // refs), so that memoised nodes re-render only when what they draw changes.
  const onSelectRef = useRef(onSelect);
  onSelectRef.current = onSelect;
  const selectHere = useCallback((id: string | null, n?: LayoutNode) => {
    clickedRef.current = id;
    onSelectRef.current(id, n);
  }, []);
  const [size, setSize] = useState({ w: 800, h: 600 });
  // Drawn with nodes grown to hold their badges (the worker places them without, docs/architecture.md).
  const layout = useMemo(() => (given ? sizeNodesToBadges(given) : null), [given]);

  const count = layout ? svgElementEstimate(layout) : 0;
  const highlightCount = useMemo(() => {
    let k = 0;
    for (const n of layout?.nodes ?? []) if (n.highlighted || highlight?.has(n.id)) k++;
    return k;
  }, [layout, highlight]);
  const mode = props.renderer ?? (count > CANVAS_THRESHOLD ? 'canvas' : 'svg');
  // Keyed by the axis names, not the array: every layout brings a new array, and a new colour map would redraw every node.
  const axesKey = (layout?.meshAxes ?? []).map((a) => a.name).join('|');
  const colors = useMemo(() => axisColorMap(axesKey ? axesKey.split('|').map((name) => ({ name })) : []), [axesKey]);
  const byId = useMemo(() => new Map((layout?.nodes ?? []).map((n) => [n.id, n])), [layout]);
  const labels = useMemo(() => (layout ? placeEdgeLabels(layout, byId) : new Map<string, LabelSpot>()), [layout, byId]);

  // Reads the transform at call time (transformRef is useGraphZoom's, below, which calls this after each zoom).
  const redrawCanvas = useCallback(() => {
    const c = canvasRef.current;
    if (!c || !layout || mode !== 'canvas') return;
    drawCanvas(c, layout, transformRef.current, { selected, colors, byId, highlight, labels });
  }, [layout, mode, selected, colors, byId, highlight, labels]);

  const redrawRef = useRef(redrawCanvas);
  redrawRef.current = redrawCanvas;
  const { transformRef, fit, centreOn, minimap, minimapRef } = useGraphZoom({ hostRef, viewportRef, redrawRef, layout, byId, selected, size, clickedRef, toggledRef });

  useEffect(() => {
    const host = hostRef.current;
    if (!host) return;
    const ro = new ResizeObserver(() => setSize({ w: host.clientWidth, h: host.clientHeight }));
    ro.observe(host);
    setSize({ w: host.clientWidth, h: host.clientHeight });
    return () => ro.disconnect();
  }, []);

  useEffect(() => {
    const c = canvasRef.current;
    if (c) {
      const dpr = window.devicePixelRatio || 1;
      c.width = Math.max(1, size.w * dpr);
      c.height = Math.max(1, size.h * dpr);
    }
    redrawCanvas();
  }, [redrawCanvas, size]);

  // Each drawn layout leaves a mark, so the shell's bench can time click → graph on screen.
  // (After the canvas effect above, so that in canvas mode the mark follows the drawing.)
  useEffect(() => {
    if (layout && typeof performance !== 'undefined' && performance.mark) performance.mark('graph-drawn');
  }, [layout, mode]);

  const onToggleRef = useRef(onToggleGroup);
  onToggleRef.current = onToggleGroup;
  const toggle = useCallback((n: LayoutNode) => {
    if (n.kind !== 'group') return;
    toggledRef.current = n.id;
    onToggleRef.current(n.scope);
  }, []);

  /** Arrow keys walk the drawn nodes; Enter opens or closes the selected group; Escape deselects. */
  const onKeyDown = (e: KeyboardEvent<HTMLDivElement>) => {
    if (!layout || e.target !== e.currentTarget) return;
    const isArrow = e.key.startsWith('Arrow');
    const action = graphKeyAction(e.key, layout.nodes, selected ? byId.get(selected) : undefined);
    if (isArrow || action?.kind === 'toggle') e.preventDefault();
    if (action?.kind === 'select') {
      clickedRef.current = null; // a keyboard move brings the node into view
      onSelectRef.current(action.node.id, action.node);
    } else if (action?.kind === 'toggle') toggle(action.node);
    else if (action?.kind === 'clear') onSelectRef.current(null);
  };

  const toLayout = (clientX: number, clientY: number): [number, number] => {
    const r = hostRef.current!.getBoundingClientRect();
    return transformRef.current.invert([clientX - r.left, clientY - r.top]);
  };

  const dropRef = useRef<typeof drop | null>(null);
  const dnd = useMemo<NodeDnd>(() => ({
    over: (id, e) => dropRef.current?.over(id)(e),
    leave: () => dropRef.current?.leave(),
    drop: (id, e) => dropRef.current?.drop(id)(e),
  }), []);
  const drop = {
    over: (id: string) => (e: DragEvent) => {
      if (!onDropTactic) return;
      e.preventDefault();
      e.dataTransfer.dropEffect = 'copy';
      if (dropTarget !== id) setDropTarget(id);
    },
    leave: () => setDropTarget(null),
    drop: (id: string) => (e: DragEvent) => {
      if (!onDropTactic) return;
      e.preventDefault();
      e.stopPropagation();
      setDropTarget(null);
      const payload = e.dataTransfer.getData(TACTIC_MIME) || e.dataTransfer.getData('text/plain');
      if (payload) onDropTactic(id, payload);
    },
  };
  dropRef.current = drop;

  return (
    <div className="graph-view" data-testid="graph-view" data-renderer={mode}>
      <div className="graph-toolbar">
        {layout ? <GraphLegend layout={layout} colors={colors} highlighted={highlightCount} /> : <span />}
        <div className="graph-controls">
          {toolbarExtra}
          <span className="graph-count" data-testid="graph-count">{layout ? `${layout.nodes.length} nodes · ${layout.edges.length} edges` : ''}</span>
          <button type="button" data-testid="graph-fit" onClick={fit} title="Fit the graph in view">Fit</button>
        </div>
      </div>
      <div
        ref={hostRef}
        className="graph-host"
        data-testid="graph-canvas-host"
        tabIndex={0}
        role="application"
        aria-label="Sharded dataflow graph: arrow keys move between nodes, Enter opens or closes a group, Escape clears the selection"
        aria-describedby="graph-kbd-status"
        onKeyDown={onKeyDown}
        onClick={(e) => {
          if (mode === 'canvas') {
            const [x, y] = toLayout(e.clientX, e.clientY);
            const n = layout ? hitTest(layout.nodes, x, y) : undefined;
            if (n && n.kind === 'group' && onToggleBox(n, x, y)) toggle(n);
            else selectHere(n ? n.id : null, n);
          } else if (e.target === e.currentTarget || (e.target as Element).tagName === 'svg') selectHere(null);
        }}
        onMouseMove={mode === 'canvas' && layout ? (e) => {
          const [x, y] = toLayout(e.clientX, e.clientY);
          const n = hitTest(layout.nodes, x, y);
          const r = hostRef.current!.getBoundingClientRect();
          if (!n || (n.kind === 'group' && n.expanded)) setHover(null);
          else if (hover?.node.id !== n.id) setHover({ node: n, x: e.clientX - r.left, y: e.clientY - r.top });
        } : undefined}
        onMouseLeave={() => setHover(null)}
        onDoubleClick={(e) => {
          if (mode !== 'canvas' || !layout) return;
          const [x, y] = toLayout(e.clientX, e.clientY);
          const n = hitTest(layout.nodes, x, y);
          if (n) toggle(n);
        }}
        onDragOver={mode === 'canvas' && onDropTactic ? (e) => {
          e.preventDefault();
        } : undefined}
        onDrop={mode === 'canvas' && onDropTactic ? (e) => {
          const [x, y] = toLayout(e.clientX, e.clientY);
          const n = layout ? hitTest(layout.nodes, x, y) : undefined;
          if (n) drop.drop(n.id)(e);
        } : undefined}
      >
        {mode === 'svg' ? (
          <svg className="graph-svg" width="100%" height="100%" data-testid="graph-svg">
            <defs>
              <marker id="graph-arrow" viewBox="0 0 8 8" refX="7" refY="4" markerWidth="7" markerHeight="7" orient="auto">
                <path d="M0,0 L8,4 L0,8 z" fill="#8a94a0" />
              </marker>
            </defs>
            <g ref={viewportRef} transform={transformRef.current.toString()}>
              {layout && <GraphScene layout={layout} byId={byId} labels={labels} colors={colors} selected={selected} dropTarget={dropTarget} highlight={highlight} searchHits={searchHits}
                onSelect={selectHere} onToggle={toggle} dnd={onDropTactic ? dnd : undefined} />}
            </g>
          </svg>
        ) : (
          <canvas ref={canvasRef} className="graph-canvas" style={{ width: '100%', height: '100%' }} data-testid="graph-canvas" />
        )}
        {!layout && <div className="graph-empty">No graph yet</div>}
        {layout && minimap && <Minimap ref={minimapRef} layout={layout} onCentre={centreOn} width={minimapSize(size.w, size.h).w} height={minimapSize(size.w, size.h).h} />}
        {mode === 'canvas' && hover && <CanvasTooltip node={hover.node} x={hover.x} y={hover.y} />}
        {/* The canvas has no elements to tab to: these keep expand/collapse reachable from the keyboard (and tests), off screen. */}
        {mode === 'canvas' && layout && <GroupToggles layout={layout} onToggle={toggle} />}
      </div>
      <div className="graph-sr-only" id="graph-kbd-status" aria-live="polite" data-testid="graph-kbd-status">
        {selected && byId.get(selected) ? `${byId.get(selected)!.kind} ${byId.get(selected)!.kind === 'group' ? byId.get(selected)!.scope : byId.get(selected)!.label} selected` : ''}
      </div>
      {stages > 0 && <StageSlider stages={stages} stage={stage} onStage={onStage} names={stageNames} />}
    </div>
  );
}

export type { CollectiveMark };
