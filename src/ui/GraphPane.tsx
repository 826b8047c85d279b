/** The centre graph: asks the worker for a layout of the current result and mounts the graph view. */
import { useCallback, useEffect, useMemo, useState } from 'react';
import type { GraphLayout, SearchHit } from '../worker/layout';
import { GraphSearch } from './graph/GraphSearch';
import { GraphView, graphImage, NodeDetails } from './graph';
import { pipelineClient } from './runner';
import { appStore, useApp } from './store';
import { insertDropped, pendingDropFor, type PendingDrop } from './palette';
import { DropPopover } from './DropPopover';

/** The graph for the export menu (the graph's own helper: standalone SVG text, or a whole-graph canvas). */
export const graphExportImage = (): string | HTMLCanvasElement | null => {
  const root = document.querySelector('[data-testid="graph-pane"]');
  return root ? graphImage(root) : null;
};

const NO_VALUES: number[] = [];

export function useGraphLayout(): GraphLayout | null {
  const report = useApp((s) => s.report);
  const expanded = useApp((s) => s.expanded);
  const stage = useApp((s) => s.stage);
  // Compare view: values B shards differently, so the layout marks the collapsed groups that hold them.
  const highlightValues = useApp((s) => (s.docB ? s.compare.highlightValues : NO_VALUES));
  const [layout, setLayout] = useState<GraphLayout | null>(null);
  useEffect(() => {
    if (!report) return;
    let live = true;
    void pipelineClient().layout(expanded, stage, highlightValues.length ? highlightValues : undefined).then((l) => {
      if (live && l) setLayout(l);
    });
    return () => {
      live = false;
    };
  }, [report, expanded, stage, highlightValues]);
  return layout;
}

/**
 * Expands or collapses a group. Collapsing also forgets the groups open inside it (read from the drawn
 * layout: a fold `layer_0…layer_31` holds `layer_3` although its scope string does not say so), since
 * the layout opens a fold by itself while a group in it is asked for.
 */
export function toggleGroup(scope: string, layout?: GraphLayout | null): void {
  // bench:ui measures "expand a layer" from here to the graph's `graph-drawn` mark.
  performance.mark('group-toggle');
  const { expanded } = appStore.getState();
  if (!expanded.includes(scope) && !layout?.expanded.includes(scope)) {
    appStore.setState({ expanded: [...expanded, scope] });
    return;
  }
  const drop = new Set([scope]);
  if (layout) {
    const parentOf = new Map(layout.nodes.map((n) => [n.id, n.parent]));
    for (const n of layout.nodes) {
      if (n.kind !== 'group' || !n.expanded) continue;
      for (let p = n.parent; p; p = parentOf.get(p) ?? null) if (p === `g:${scope}`) drop.add(n.scope);
    }
  }
  appStore.setState({ expanded: expanded.filter((s) => !drop.has(s)) });
}

/** Selects the op a Report entry names (timeline interval, collective), expanding its groups. */
export async function selectOpByLabel(label: string): Promise<void> {
  const hit = await pipelineClient().findOp(label);
  if (!hit) return;
  const { expanded } = appStore.getState();
  appStore.setState({ selected: hit.nodeId, expanded: [...new Set([...expanded, ...hit.reveal])] });
}

/** Opens the groups a search hit needs and selects it (the view brings it into sight). */
export function goToHit(hit: SearchHit): void {
  const { expanded } = appStore.getState();
  appStore.setState({ selected: hit.nodeId, expanded: [...new Set([...expanded, ...hit.reveal])] });
}

/** The drawn nodes that show the hits: the hit itself, or the outermost closed group that holds it. */
export function hitNodes(layout: GraphLayout | null, hits: readonly SearchHit[]): Set<string> {
  const out = new Set<string>();
  if (!layout) return out;
  const shown = new Map(layout.nodes.map((n) => [n.id, n]));
  for (const h of hits) {
    if (shown.has(h.nodeId)) {
      out.add(h.nodeId);
      continue;
    }
    for (const scope of h.reveal) {
      const g = shown.get(`g:${scope}`);
      if (g && !g.expanded) {
        out.add(g.id);
        break;
      }
    }
  }
  return out;
}

const search = (q: string) => pipelineClient().search(q);

export function GraphPane() {
  const layout = useGraphLayout();
  const [hits, setHits] = useState<readonly SearchHit[]>([]);
  const searchHits = useMemo(() => (hits.length ? hitNodes(layout, hits) : undefined), [layout, hits]);
  const onHits = useCallback((h: readonly SearchHit[]) => setHits(h), []);
  const [drop, setDrop] = useState<PendingDrop | null>(null);
  const selected = useApp((s) => s.selected);
  const stage = useApp((s) => s.stage);
  const stageNames = useApp((s) => s.stageNames);
  const report = useApp((s) => s.report);
  const highlightIds = useApp((s) => (s.docB ? s.compare.highlight : null));
  const highlight = useMemo(() => (highlightIds && highlightIds.length ? new Set(highlightIds) : undefined), [highlightIds]);
  const stages = layout?.stages ?? stageNames.length;
  const node = useMemo(() => layout?.nodes.find((n) => n.id === selected) ?? null, [layout, selected]);
  const [opName, setOpName] = useState<string | undefined>(undefined);
  useEffect(() => {
    setOpName(undefined);
    if (node?.opId === undefined) return;
    let live = true;
    void pipelineClient().opName(node.opId).then((n) => live && setOpName(n ?? undefined));
    return () => {
      live = false;
    };
  }, [node]);

  return (
    <div className="graph-pane" data-testid="graph-pane">
      <GraphView
        layout={layout}
        selected={selected}
        onSelect={(id) => appStore.setState({ selected: id })}
        onToggleGroup={(scope) => toggleGroup(scope, layout)}
        stages={stages}
        stage={stage ?? stages - 1}
        onStage={(s) => appStore.setState({ stage: s >= stages - 1 ? null : s })}
        stageNames={stageNames}
        onDropTactic={(nodeId, payload) => void pendingDropFor(layout, nodeId, payload).then(setDrop)}
        highlight={highlight}
        searchHits={searchHits}
        toolbarExtra={<GraphSearch search={search} onGo={goToHit} onHits={onHits} />}
      />
      {drop && <DropPopover drop={drop} onCancel={() => setDrop(null)} onInsert={(d, axis, dim) => {
        insertDropped(d, axis, dim);
        setDrop(null);
      }} />}
      {node && (
        <div className="details-host" data-testid="details">
          <button className="icon close" aria-label="close details" onClick={() => appStore.setState({ selected: null })}>×</button>
          <NodeDetails node={node} meshAxes={layout?.meshAxes} report={report} opName={opName} />
        </div>
      )}
    </div>
  );
}
