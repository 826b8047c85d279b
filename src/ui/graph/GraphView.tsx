/**
 * The sharded dataflow graph: draws a worker-computed GraphLayout (positions never computed here),
 * with d3-zoom for pan and zoom. Small graphs are SVG (one element per node, with data-testids);
 * past CANVAS_THRESHOLD elements it draws on a canvas and hit-tests clicks instead.
 * Props only: the shell owns the state and asks the worker for a new layout on toggle.
 */
import { memo, useCallback, useEffect, useMemo, useRef, useState, type DragEvent, type KeyboardEvent, type ReactNode } from 'react';
import { select, zoom as d3zoom, zoomIdentity, type ZoomBehavior, type ZoomTransform } from 'd3';
import type { CollectiveMark, GraphLayout, LayoutEdge, LayoutNode } from '../../worker/layout';
import { axisColorMap } from './colors';
import { EDGE_LABEL_ZOOM, READABLE_ZOOM, boxInView, fitTransform, hitTest, neighbour, onToggleBox, placeEdgeLabels, svgElementEstimate, type Direction } from './geometry';
import { GraphEdgeSvg, GraphNodeSvg, GroupHeaderSvg, collectiveTitle, type NodeDnd } from './GraphSvg';
import { drawCanvas } from './GraphCanvas';
import { GraphLegend } from './GraphLegend';
import { StageSlider } from './StageSlider';
import { Minimap, minimapSize, type MinimapHandle } from './Minimap';
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
  const { layout, selected, onSelect, onToggleGroup, stages, stage, onStage, stageNames, onDropTactic, highlight, searchHits, toolbarExtra } = props;
  const hostRef = useRef<HTMLDivElement>(null);
  const viewportRef = useRef<SVGGElement>(null);
  const canvasRef = useRef<HTMLCanvasElement>(null);
  const zoomRef = useRef<ZoomBehavior<HTMLDivElement, unknown> | null>(null);
  const transformRef = useRef<ZoomTransform>(zoomIdentity);
  const fittedRef = useRef<string | null>(null);
  /** Whether the user has panned or zoomed since the last fit: then expand/collapse keeps their view. */
  const userMovedRef = useRef(false);
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
  /** The overview shows while the graph does not fit in the view at the current zoom. */
  const [minimap, setMinimap] = useState(false);
  const minimapRef = useRef<MinimapHandle>(null);
  const layoutSizeRef = useRef({ w: 0, h: 0 });
  layoutSizeRef.current = { w: layout?.width ?? 0, h: layout?.height ?? 0 };
  const centreOn = useCallback((x: number, y: number) => {
    const host = hostRef.current;
    if (!host || !zoomRef.current) return;
    const k = transformRef.current.k;
    userMovedRef.current = true;
    select(host).call(zoomRef.current.transform, zoomIdentity.translate(host.clientWidth / 2 - x * k, host.clientHeight / 2 - y * k).scale(k));
  }, []);
  useEffect(() => {
    const host = hostRef.current;
    if (!host || !layout) return;
    const t = transformRef.current;
    setMinimap(layout.width * t.k > host.clientWidth * 1.05 || layout.height * t.k > host.clientHeight * 1.05);
    minimapRef.current?.draw(t, host.clientWidth, host.clientHeight);
  }, [layout, minimap, size]);

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

  const redrawCanvas = useCallback(() => {
    const c = canvasRef.current;
    if (!c || !layout || mode !== 'canvas') return;
    drawCanvas(c, layout, transformRef.current, { selected, colors, byId, highlight });
  }, [layout, mode, selected, colors, byId, highlight]);

  // Pan and zoom: d3 owns the transform; React is not re-rendered on every wheel event.
  useEffect(() => {
    const host = hostRef.current;
    if (!host) return;
    const z = d3zoom<HTMLDivElement, unknown>()
      .scaleExtent([0.02, 4])
      .filter((ev: Event) => ev.type !== 'mousedown' || (ev as MouseEvent).button === 0)
      .on('zoom', (ev: { transform: ZoomTransform; sourceEvent?: Event | null }) => {
        transformRef.current = ev.transform;
        if (ev.sourceEvent) userMovedRef.current = true; // a wheel or a drag, not one of our fits
        viewportRef.current?.setAttribute('transform', ev.transform.toString());
        // Edge labels (sharded types) only once zoomed in far enough to read them; a class, not a re-render.
        host.classList.toggle('graph-zoomed-in', ev.transform.k >= EDGE_LABEL_ZOOM);
        if (canvasRef.current) requestAnimationFrame(() => redrawRef.current());
        minimapRef.current?.draw(ev.transform, host.clientWidth, host.clientHeight);
        const big = layoutSizeRef.current;
        setMinimap(big.w * ev.transform.k > host.clientWidth * 1.05 || big.h * ev.transform.k > host.clientHeight * 1.05);
      });
    zoomRef.current = z;
    const sel = select(host);
    sel.call(z).on('dblclick.zoom', null);
    return () => {
      sel.on('.zoom', null);
    };
  }, []);
  const redrawRef = useRef(redrawCanvas);
  redrawRef.current = redrawCanvas;

  useEffect(() => {
    const host = hostRef.current;
    if (!host) return;
    const ro = new ResizeObserver(() => setSize({ w: host.clientWidth, h: host.clientHeight }));
    ro.observe(host);
    setSize({ w: host.clientWidth, h: host.clientHeight });
    return () => ro.disconnect();
  }, []);

  /** Fits the graph at a readable zoom, keeping `focus` (a group just toggled) in view when it must crop. */
  const fitTo = useCallback((focusId: string | null, whole = false) => {
    const host = hostRef.current;
    if (!host || !layout || !zoomRef.current || host.clientWidth === 0) return;
    const focus = focusId ? byId.get(focusId) : undefined;
    const t = fitTransform(layout, host.clientWidth, host.clientHeight, { minK: whole ? 0 : READABLE_ZOOM, focus });
    select(host).call(zoomRef.current.transform, zoomIdentity.translate(t.x, t.y).scale(t.k));
    userMovedRef.current = false;
  }, [layout, byId]);
  // The Fit button shows the whole graph, however small that makes it (automatic fits stay readable).
  const fit = useCallback(() => fitTo(null, true), [fitTo]);

  // A new program (its top-level nodes differ) is fitted afresh. Expand/collapse refits too unless the
  // user has moved the view since, keeping the toggled group in sight; stage changes never move it.
  const topLevel = useMemo(() => (layout ? layout.nodes.filter((n) => n.parent === null).map((n) => n.id).join('|') : ''), [layout]);
  const expandedKey = layout ? layout.expanded.join('|') : '';
  const expandedRef = useRef<string | null>(null);
  useEffect(() => {
    if (!layout) return;
    if (fittedRef.current !== topLevel) {
      fittedRef.current = topLevel;
      expandedRef.current = expandedKey;
      toggledRef.current = null;
      fitTo(null);
    } else if (expandedRef.current !== expandedKey) {
      expandedRef.current = expandedKey;
      if (!userMovedRef.current) fitTo(toggledRef.current);
    }
  }, [layout, topLevel, expandedKey, fitTo]);


  // A node selected from elsewhere (timeline, collectives table) is brought into view if it is off screen.
  useEffect(() => {
    const host = hostRef.current;
    const n = selected ? byId.get(selected) : undefined;
    if (!host || !n || !zoomRef.current || clickedRef.current === selected) return;
    const t = transformRef.current;
    // only when it is (nearly) out of sight: never move what the user is pointing at
    if (boxInView(n, t, host.clientWidth, host.clientHeight, 20)) return;
    const cx = n.x + Math.min(n.width, 400) / 2;
    const cy = n.y + Math.min(n.height, 200) / 2;
    const k = Math.max(t.k, READABLE_ZOOM);
    userMovedRef.current = true; // the user asked to look here: a later refit must not jump away
    // a little left of centre: the shell's details card covers the right of the pane
    select(host).call(zoomRef.current.transform, zoomIdentity.translate(host.clientWidth * 0.4 - cx * k, host.clientHeight / 2 - cy * k).scale(k));
  }, [selected, byId]);

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
    const dirs: Record<string, Direction> = { ArrowUp: 'up', ArrowDown: 'down', ArrowLeft: 'left', ArrowRight: 'right' };
    const cur = selected ? byId.get(selected) : undefined;
    if (dirs[e.key]) {
      e.preventDefault();
      const next = neighbour(layout.nodes, cur, dirs[e.key]);
      if (next) {
        clickedRef.current = null; // a keyboard move brings the node into view
        onSelectRef.current(next.id, next);
      }
    } else if ((e.key === 'Enter' || e.key === ' ') && cur?.kind === 'group') {
      e.preventDefault();
      toggle(cur);
    } else if (e.key === 'Escape' && cur) {
      onSelectRef.current(null);
    }
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
              {layout && <Scene layout={layout} byId={byId} colors={colors} selected={selected} dropTarget={dropTarget} highlight={highlight} searchHits={searchHits}
                onSelect={selectHere} onToggle={toggle} dnd={onDropTactic ? dnd : undefined} />}
            </g>
          </svg>
        ) : (
          <canvas ref={canvasRef} className="graph-canvas" style={{ width: '100%', height: '100%' }} data-testid="graph-canvas" />
        )}
        {!layout && <div className="graph-empty">No graph yet</div>}
        {layout && minimap && <Minimap ref={minimapRef} layout={layout} onCentre={centreOn} width={minimapSize(size.w, size.h).w} height={minimapSize(size.w, size.h).h} />}
        {mode === 'canvas' && hover && (
          <div className="graph-tooltip" style={{ left: hover.x + 14, top: hover.y + 14 }} data-testid="graph-tooltip">
            <b>{hover.node.kind === 'group' ? hover.node.scope : hover.node.label}</b>
            <div className="graph-tooltip-sub">{hover.node.kind === 'group' ? [hover.node.opCount ? `${hover.node.opCount} ops` : '', hover.node.inputCount ? `${hover.node.inputCount} inputs` : ''].filter(Boolean).join(' · ') : hover.node.sublabel}</div>
            {hover.node.collectives.map((c) => <div key={`${c.kind}-${c.axes.join('+')}`}>{collectiveTitle(c)}</div>)}
          </div>
        )}
        {mode === 'canvas' && layout && (
          // The canvas has no elements to tab to: these keep expand/collapse reachable from the keyboard
          // (and from tests), off screen.
          <ul className="graph-sr-only" aria-label="Groups">
            {layout.nodes.filter((n) => n.kind === 'group').map((n) => (
              <li key={n.id}>
                <button type="button" tabIndex={-1} data-testid={`group-toggle-${n.scope}`} onClick={(e) => {
                  e.stopPropagation(); // the host would hit-test the click on the canvas too
                  toggle(n);
                }}>
                  {`${n.expanded ? 'Collapse' : 'Expand'} ${n.scope}`}
                </button>
              </li>
            ))}
          </ul>
        )}
      </div>
      <div className="graph-sr-only" id="graph-kbd-status" aria-live="polite" data-testid="graph-kbd-status">
        {selected && byId.get(selected) ? `${byId.get(selected)!.kind} ${byId.get(selected)!.kind === 'group' ? byId.get(selected)!.scope : byId.get(selected)!.label} selected` : ''}
      </div>
      {stages > 0 && <StageSlider stages={stages} stage={stage} onStage={onStage} names={stageNames} />}
    </div>
  );
}

interface SceneProps {
  layout: GraphLayout;
  byId: ReadonlyMap<string, LayoutNode>;
  colors: ReadonlyMap<string, string>;
  selected: string | null;
  dropTarget: string | null;
  highlight?: ReadonlySet<string>;
  searchHits?: ReadonlySet<string>;
  onSelect: (id: string | null, node?: LayoutNode) => void;
  onToggle: (n: LayoutNode) => void;
  dnd?: NodeDnd;
}

/** Groups first (they are backgrounds), then edges, then leaves and collapsed groups on top. */
const Scene = memo(function Scene({ layout, byId, colors, selected, dropTarget, highlight, searchHits, onSelect, onToggle, dnd }: SceneProps) {
  const groups = layout.nodes.filter((n) => n.kind === 'group' && n.expanded);
  const leaves = layout.nodes.filter((n) => !(n.kind === 'group' && n.expanded));
  const labels = useMemo(() => placeEdgeLabels(layout, byId), [layout, byId]);
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

export type { CollectiveMark };
