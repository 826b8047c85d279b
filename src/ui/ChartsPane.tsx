/** Summary strip and the charts of the report (components from src/ui/charts), in tabs under the graph. */
import { useEffect, useState } from 'react';
import { ComparePanel } from './ComparePanel';
import { PipelinePanel } from './PipelinePanel';
import { CollectivesTable, MemoryChart, StageChart, SummaryStrip, TimeBreakdown, Timeline } from './charts';
import { selectOpByLabel } from './GraphPane';
import { useApp } from './store';

export function SummaryPane() {
  const report = useApp((s) => s.report);
  const stale = useApp((s) => s.reportStale);
  // bench:ui: the summary strip shows a new report (first render, and each edit's result).
  useEffect(() => {
    if (report) performance.mark('summary-drawn');
  }, [report]);
  return (
    <div className={stale ? 'summary-host stale' : 'summary-host'}>
      <SummaryStrip time={report?.time} memory={report?.memory} collectives={report?.collectives} />
    </div>
  );
}

const TABS = ['memory & time', 'timeline', 'collectives', 'tactics'] as const;
type Tab = (typeof TABS)[number] | 'compare' | 'pipeline';

export function ChartsPane() {
  const report = useApp((s) => s.report);
  const axes = useApp((s) => s.doc.mesh.axes);
  const comparing = useApp((s) => s.docB !== null);
  const [tab, setTab] = useState<Tab>('memory & time');
  // Opening the compare view shows the diff; closing it goes back to the charts.
  useEffect(() => setTab(comparing ? 'compare' : 'memory & time'), [comparing]);
  useEffect(() => {
    if (report) performance.mark('charts-drawn');
  }, [report]);
  if (!report) return null;
  const tabs: Tab[] = comparing ? ['compare', ...TABS] : [...TABS];
  if (report.pipeline) tabs.splice(tabs.indexOf('timeline'), 0, 'pipeline');
  return (
    <div className={comparing ? 'charts-pane comparing' : 'charts-pane'} data-testid="charts-pane">
      <div className="tabs" role="tablist">
        {tabs.map((t) => (
          <button key={t} role="tab" aria-selected={t === tab} className={t === tab ? 'tab active' : 'tab'}
            data-testid={`tab-${t.split(' ')[0]}`} onClick={() => setTab(t)}>
            {t === 'compare' ? 'A vs B' : t}{t === 'collectives' ? ` (${report.collectives.length})` : ''}
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
        {tab === 'pipeline' && report.pipeline && <PipelinePanel pipeline={report.pipeline} />}
        {tab === 'timeline' && <Timeline timeline={report.timeline} onSelectInterval={(iv) => void selectOpByLabel(iv.op)} />}
        {tab === 'collectives' && <CollectivesTable collectives={report.collectives} onSelectOp={(c) => void selectOpByLabel(c.op)} />}
        {tab === 'tactics' && <StageChart stages={report.stages} />}
        {tab === 'compare' && comparing && <ComparePanel />}
      </div>
    </div>
  );
}
