/** Summary strip and the charts of the report (components from src/ui/charts), in tabs under the graph. */
import { useState } from 'react';
import { CollectivesTable, MemoryChart, StageChart, SummaryStrip, TimeBreakdown, Timeline } from './charts';
import { selectOpByLabel } from './GraphPane';
import { useApp } from './store';

export function SummaryPane() {
  const report = useApp((s) => s.report);
  const stale = useApp((s) => s.reportStale);
  return (
    <div className={stale ? 'summary-host stale' : 'summary-host'}>
      <SummaryStrip time={report?.time} memory={report?.memory} collectives={report?.collectives} />
    </div>
  );
}

const TABS = ['memory & time', 'timeline', 'collectives', 'tactics'] as const;
type Tab = (typeof TABS)[number];

export function ChartsPane() {
  const report = useApp((s) => s.report);
  const axes = useApp((s) => s.doc.mesh.axes);
  const [tab, setTab] = useState<Tab>('memory & time');
  if (!report) return null;
  return (
    <div className="charts-pane" data-testid="charts-pane">
      <div className="tabs" role="tablist">
        {TABS.map((t) => (
          <button key={t} role="tab" aria-selected={t === tab} className={t === tab ? 'tab active' : 'tab'}
            data-testid={`tab-${t.split(' ')[0]}`} onClick={() => setTab(t)}>
            {t}{t === 'collectives' ? ` (${report.collectives.length})` : ''}
          </button>
        ))}
      </div>
      <div className="tab-body">
        {tab === 'memory & time' && (
          <div className="chart-row">
            <div className="chart-card"><MemoryChart perDevice={report.memory.perDevice} /></div>
            <div className="chart-card"><TimeBreakdown time={report.time} axes={axes.map((a) => a.name)} /></div>
          </div>
        )}
        {tab === 'timeline' && <Timeline timeline={report.timeline} onSelectInterval={(iv) => void selectOpByLabel(iv.op)} />}
        {tab === 'collectives' && <CollectivesTable collectives={report.collectives} onSelectOp={(c) => void selectOpByLabel(c.op)} />}
        {tab === 'tactics' && <StageChart stages={report.stages} />}
      </div>
    </div>
  );
}
