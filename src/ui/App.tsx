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

export function App() {
  useEffect(() => installShortcuts(), []);
  const comparing = useApp((s) => s.docB !== null);
  return (
    <div className="app">
      <Header />
      <Banner />
      <div className="main">
        <SidePanel />
        <section className="centre">
          <ModelSummary />
          <SummaryPane />
          <GraphPane />
          <ChartsPane />
        </section>
        <section className={comparing ? 'right comparing' : 'right'}>
          <div className="pane-title">{comparing ? 'Tactics A' : 'Tactics'} <span className="muted small">schedule of partitioning tactics</span></div>
          <TacticPalette />
          <TacticEditor />
          <ErrorBar />
          {comparing && (
            <>
              <div className="pane-title b">Tactics B <span className="muted small">the same config with these tactics; the diff is under the graph</span></div>
              <TacticEditor side="b" />
            </>
          )}
          <AutoPanel />
          <div className="pane-title">Stages</div>
          <div className="stages-host"><StagesPanel /></div>
        </section>
      </div>
    </div>
  );
}
