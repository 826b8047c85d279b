/** The explorer's layout: header; side panel | summary, graph and charts | editor and stages. */
import { lazy, Suspense, useEffect, useState } from 'react';
import { Header } from './Header';
import { Banner, ErrorBar } from './Messages';
import { ModelSummary } from './ModelSummary';
import { SidePanel } from './panels/SidePanel';
import { StagesPanel } from './StagesPanel';
import { GraphPane } from './GraphPane';
import { ChartsPane, SummaryPane } from './ChartsPane';
import { TacticPalette } from './palette';
import { installShortcuts } from './shortcuts';
import { AutoPanel } from './AutoPanel';
import { useApp } from './store';
import { clampPane, defaultPanes, setPanes, usePanes } from './panes';
import { Splitter } from './Splitter';

// Monaco is most of the JavaScript: a chunk of its own, fetched once the first result is on screen (or
// after a short wait), so that parsing it does not hold up the main thread while the first report lands.
const loadEditor = () => import('./editor/TacticEditor').then((m) => ({ default: m.TacticEditor }));
const LazyEditor = lazy(loadEditor);
const EDITOR_FALLBACK_MS = 1500;

function useEditorWanted(): boolean {
  const settled = useApp((s) => s.report !== null || s.status === 'error' || s.status === 'cancelled');
  const [late, setLate] = useState(false);
  useEffect(() => {
    const t = setTimeout(() => setLate(true), EDITOR_FALLBACK_MS);
    return () => clearTimeout(t);
  }, []);
  return settled || late;
}

function TacticEditor({ side = 'a' }: { side?: 'a' | 'b' }) {
  const wanted = useEditorWanted();
  const placeholder = <div className="editor-host muted pad" data-testid={side === 'a' ? 'tactic-editor-loading' : 'tactic-editor-b-loading'}>Loading editor…</div>;
  if (!wanted) return placeholder;
  return (
    <Suspense fallback={placeholder}>
      <LazyEditor side={side} />
    </Suspense>
  );
}

/** A folded pane: a narrow strip with the button that opens it again. */
function FoldedPane({ side, label, onOpen }: { side: 'left' | 'right'; label: string; onOpen: () => void }) {
  return (
    <div className={`folded-pane folded-${side}`} data-testid={`pane-${side}-folded`}>
      <button type="button" className="icon" onClick={onOpen} aria-label={`show ${label}`} title={`Show ${label}`}
        data-testid={`pane-${side}-open`}>{side === 'left' ? '»' : '«'}</button>
      <span className="folded-label">{label}</span>
    </div>
  );
}

export function App() {
  useEffect(() => installShortcuts(), []);
  const comparing = useApp((s) => s.docB !== null);
  const panes = usePanes((p) => p);
  const chartsRight = panes.chartsDock === 'right' && !panes.rightCollapsed;
  const leftW = panes.leftCollapsed ? 28 : panes.left;
  const rightW = panes.rightCollapsed ? 28 : panes.right;
  return (
    <div className="app">
      <Header />
      <Banner />
      <div className="main" data-testid="main" style={{ gridTemplateColumns: `${leftW}px 5px minmax(0, 1fr) 5px ${rightW}px` }}>
        {panes.leftCollapsed ? <FoldedPane side="left" label="model, mesh and hardware" onOpen={() => setPanes({ leftCollapsed: false })} /> : (
          <div className="left-host" data-testid="pane-left">
            <button type="button" className="icon pane-fold" aria-label="hide the model panel" title="Hide the model, mesh and hardware panel"
              data-testid="pane-left-fold" onClick={() => setPanes({ leftCollapsed: true })}>«</button>
            <SidePanel />
          </div>
        )}
        <Splitter axis="x" sign={1} size={panes.left} label="resize the model panel" testId="splitter-left"
          onSize={(px) => setPanes({ left: clampPane('left', px), leftCollapsed: false })} onReset={() => setPanes({ left: defaultPanes().left })} />
        <section className="centre">
          <ModelSummary />
          <SummaryPane />
          <GraphPane />
          {!chartsRight && !panes.chartsCollapsed && (
            <Splitter axis="y" sign={-1} size={panes.charts} label="resize the charts" testId="splitter-charts"
              onSize={(px) => setPanes({ charts: clampPane('charts', px) })} onReset={() => setPanes({ charts: defaultPanes(window.innerHeight).charts })} />
          )}
          {!chartsRight && <ChartsPane />}
        </section>
        <Splitter axis="x" sign={-1} size={panes.right} label="resize the tactics column" testId="splitter-right"
          onSize={(px) => setPanes({ right: clampPane('right', px), rightCollapsed: false })} onReset={() => setPanes({ right: defaultPanes().right })} />
        {panes.rightCollapsed ? <FoldedPane side="right" label="tactics and stages" onOpen={() => setPanes({ rightCollapsed: false })} /> : (
          <section className={comparing ? 'right comparing' : 'right'} data-testid="pane-right">
            <div className="pane-title">{comparing ? 'Tactics A' : 'Tactics'} <span className="muted small">schedule of partitioning tactics</span>
              <span className="spacer" />
              <button type="button" className="icon pane-fold-right" aria-label="hide the tactics column" title="Hide the tactics and stages column"
                data-testid="pane-right-fold" onClick={() => setPanes({ rightCollapsed: true })}>»</button>
            </div>
            <TacticPalette />
            <TacticEditor />
            <ErrorBar />
            {comparing && (
              <>
                <div className="pane-title b">Tactics B <span className="muted small">A's model with these tactics (B's mesh and hardware are set above the diff, under the graph)</span></div>
                <TacticEditor side="b" />
              </>
            )}
            <AutoPanel />
            <div className="pane-title">Stages</div>
            <div className={chartsRight ? 'stages-host compact' : 'stages-host'}><StagesPanel /></div>
            {chartsRight && <ChartsPane />}
          </section>
        )}
      </div>
    </div>
  );
}
