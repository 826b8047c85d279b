/** The explorer's layout: header; side panel | summary, graph and charts | editor and stages. */
import { useEffect } from 'react';
import { Header } from './Header';
import { Banner, ErrorBar } from './Messages';
import { ModelSummary } from './ModelSummary';
import { SidePanel } from './panels/SidePanel';
import { TacticEditor } from './editor/TacticEditor';
import { StagesPanel } from './StagesPanel';
import { GraphPane } from './GraphPane';
import { ChartsPane, SummaryPane } from './ChartsPane';
import { TacticPalette } from './palette';
import { installShortcuts } from './shortcuts';

export function App() {
  useEffect(() => installShortcuts(), []);
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
        <section className="right">
          <div className="pane-title">Tactics <span className="muted small">schedule of partitioning tactics</span></div>
          <TacticPalette />
          <TacticEditor />
          <ErrorBar />
          <div className="pane-title">Stages</div>
          <div className="stages-host"><StagesPanel /></div>
        </section>
      </div>
    </div>
  );
}
