/**
 * The sharded dataflow graph: draws a worker-computed GraphLayout (positions never computed here),
 * with d3-zoom for pan and zoom. Small graphs are SVG (one element per node, with data-testids);
 * past CANVAS_THRESHOLD elements it draws on a canvas and hit-tests clicks instead.
 * Props only: the shell owns the state and asks the worker for a new layout on toggle. Its pieces: what
 * is derived from the layout (useLayoutIndex: nodes sized to their badges, label spots), selection
 * (useGraphSelection), keys (useGraphKeys), drops (useNodeDrop), pointer events (useHostPointer), the
 * size (useHostSize), pan/zoom/fit (useGraphZoom), the SVG scene (GraphScene), the canvas
 * (useCanvasDrawing) and its overlays (CanvasOverlays), the toolbar, the minimap and the stage slider.
 */
import { useRef, type ReactNode } from 'react';
import type { CollectiveMark, GraphLayout, LayoutNode } from '../../worker/layout';
import { svgElementEstimate } from './geometry';
import { GraphScene } from './GraphScene';
import { GraphToolbar } from './GraphToolbar';
import { CanvasTooltip, GroupToggles } from './CanvasOverlays';
import { SelectionStatus, STATUS_ID } from './SelectionStatus';
import { StageSlider } from './StageSlider';
import { Minimap, minimapSize } from './Minimap';
import { useCanvasDrawing } from './useCanvasDrawing';
import { useGraphKeys } from './useGraphKeys';
import { useGraphSelection } from './useGraphSelection';
import { useGraphZoom } from './useGraphZoom';
import { useHostPointer } from './useHostPointer';
import { useHostSize } from './useHostSize';
import { useLayoutIndex } from './useLayoutIndex';
import { useNodeDrop } from './useNodeDrop';
import './graph.css';

export { TACTIC_MIME } from './useNodeDrop';

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
  /** A palette item dropped on a node (HTML5 drag and drop; payload of type TACTIC_MIME, useNodeDrop.ts, or text). */
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

export function GraphView(props: GraphViewProps) {
  const { selected, onSelect, onToggleGroup, stages, stage, onStage, stageNames, onDropTactic, highlight, searchHits, toolbarExtra } = props;
  const hostRef = useRef<HTMLDivElement>(null);
  const viewportRef = useRef<SVGGElement>(null);
  const canvasRef = useRef<HTMLCanvasElement>(null);
  const redrawRef = useRef<() => void>(() => {});
  const size = useHostSize(hostRef);
  const { layout, byId, labels, colors, highlightCount } = useLayoutIndex(props.layout, highlight);
  const mode = props.renderer ?? (layout && svgElementEstimate(layout) > CANVAS_THRESHOLD ? 'canvas' : 'svg');
  const { clickedRef, toggledRef, selectHere, selectAndShow, clear, toggle } = useGraphSelection(onSelect, onToggleGroup);
  const { transformRef, fit, centreOn, minimap, minimapRef } = useGraphZoom({ hostRef, viewportRef, redrawRef, layout, byId, selected, size, clickedRef, toggledRef });
  useCanvasDrawing({ canvasRef, redrawRef, transformRef, layout, mode, size, selected, colors, byId, labels, highlight });
  const onKeyDown = useGraphKeys({ layout, selected, byId, select: selectAndShow, clear, toggle });
  const { dropTarget, dnd, dropOn } = useNodeDrop(onDropTactic);
  const { hover, handlers } = useHostPointer({ hostRef, transformRef, layout, mode, select: selectHere, toggle, dropOn: onDropTactic ? dropOn : undefined });
  const mini = minimapSize(size.w, size.h);

  return (
    <div className="graph-view" data-testid="graph-view" data-renderer={mode}>
      <GraphToolbar layout={layout} colors={colors} highlighted={highlightCount} extra={toolbarExtra} onFit={fit} />
      <div ref={hostRef} className="graph-host" data-testid="graph-canvas-host" tabIndex={0} role="application"
        aria-label="Sharded dataflow graph: arrow keys move between nodes, Enter opens or closes a group, Escape clears the selection"
        aria-describedby={STATUS_ID} onKeyDown={onKeyDown} {...handlers}>
        {mode === 'svg' ? (
          <svg className="graph-svg" width="100%" height="100%" data-testid="graph-svg">
            <defs>
              <marker id="graph-arrow" viewBox="0 0 8 8" refX="7" refY="4" markerWidth="7" markerHeight="7" orient="auto">
                <path d="M0,0 L8,4 L0,8 z" fill="#8a94a0" />
              </marker>
            </defs>
            <g ref={viewportRef} transform={transformRef.current.toString()}>
              {layout && <GraphScene layout={layout} byId={byId} labels={labels} colors={colors} selected={selected} dropTarget={dropTarget} highlight={highlight}
                searchHits={searchHits} onSelect={selectHere} onToggle={toggle} dnd={dnd} />}
            </g>
          </svg>
        ) : (
          <canvas ref={canvasRef} className="graph-canvas" style={{ width: '100%', height: '100%' }} data-testid="graph-canvas" />
        )}
        {!layout && <div className="graph-empty">No graph yet</div>}
        {layout && minimap && <Minimap ref={minimapRef} layout={layout} onCentre={centreOn} width={mini.w} height={mini.h} />}
        {mode === 'canvas' && hover && <CanvasTooltip node={hover.node} x={hover.x} y={hover.y} />}
        {/* The canvas has no elements to tab to: these keep expand/collapse reachable from the keyboard (and tests), off screen. */}
        {mode === 'canvas' && layout && <GroupToggles layout={layout} onToggle={toggle} />}
      </div>
      <SelectionStatus node={selected ? byId.get(selected) : undefined} />
      {stages > 0 && <StageSlider stages={stages} stage={stage} onStage={onStage} names={stageNames} />}
    </div>
  );
}

export type { CollectiveMark };
