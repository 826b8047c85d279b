/** Summary strip and the charts of the report (components from src/ui/charts), in tabs under the graph. */
import { useEffect, useMemo, useRef, useState } from 'react';
import { figuresAtStage, type StageFigures } from './charts/stageView';
import { ComparePanel } from './ComparePanel';
import { PipelinePanel } from './PipelinePanel';
import { CollectivesTable, MemoryChart, MemoryCurve, PeakValues, StageChart, StepContributors, SummaryStrip, TimeBreakdown, Timeline } from './charts';
import { selectOpByLabel } from './GraphPane';
import { useApp } from './store';
import { setPanes, usePanes } from './panes';

/** The figures of the stage the slider selects (the whole schedule's by default). */
function useStageFigures(): StageFigures | null {
  const report = useApp((s) => s.report);
  const stage = useApp((s) => s.stage);
  return useMemo(() => (report ? figuresAtStage(report, stage) : null), [report, stage]);
}

export function SummaryPane() {
  const report = useApp((s) => s.report);
  const stale = useApp((s) => s.reportStale);
  const figures = useStageFigures();
  // bench:ui: the summary strip shows a new report (first render, and each edit's result).
  useEffect(() => {
    if (report) performance.mark('summary-drawn');
  }, [report]);
  return (
    <div className={stale ? 'summary-host stale' : 'summary-host'}>
      <SummaryStrip time={figures?.time} memory={figures?.memory} collectives={figures?.collectives} />
    </div>
  );
}

/**
 * The height of a grid cell, followed with a ResizeObserver: the charts in the dense "memory & time" grid
 * draw at the height their row has, so the bars are whole without scrolling (a laptop's pane is ~170 px).
 */
function useCellHeight(fallback: number): [React.RefObject<HTMLDivElement | null>, number] {
  const ref = useRef<HTMLDivElement>(null);
  const [h, setH] = useState(fallback);
  useEffect(() => {
    const el = ref.current;
    if (!el || typeof ResizeObserver === 'undefined') return;
    const update = () => {
      if (el.clientHeight > 0) setH(el.clientHeight);
    };
    const ro = new ResizeObserver(update);
    ro.observe(el);
    update();
    return () => ro.disconnect();
  }, []);
  return [ref, h];
}

/** Caption and a line of legend above and below a chart's plot in a grid cell. */
const CHART_CHROME = 46;

/**
 * "Will it fit, how fast, and why" on one screen: the memory bar, the time bar and what the peak and the
 * step are made of side by side in the first row (as tall as the pane), memory over time beside them on a
 * wide pane and under them on a narrow one. Everything follows the stage slider (`figures`).
 */
function WhyGrid({ figures, axes }: { figures: StageFigures; axes: readonly string[] }) {
  const [cell, height] = useCellHeight(200);
  const plot = Math.max(96, height - CHART_CHROME);
  // the device whose peak's contributors and curve the Report gives (the first, under SPMD)
  const profiled = figures.memory.perDevice.find((d) => d.curve || d.topValues);
  const device = figures.timeline[0]?.device ?? 0;
  return (
    <div className="why-grid" data-testid="why-grid">
      <div className="why-cell why-memory" ref={cell}><MemoryChart perDevice={figures.memory.perDevice} height={plot} /></div>
      <div className="why-cell why-time"><TimeBreakdown time={figures.time} axes={axes} /></div>
      <div className="why-cell why-contributors" data-testid="why-contributors">
        {profiled?.topValues && <PeakValues memory={profiled} />}
        <StepContributors rows={figures.contributors} device={device} step={figures.time.step} onSelect={(c) => void selectOpByLabel(c.op)} />
      </div>
      {profiled?.curve && <div className="why-cell why-curve"><MemoryCurve curve={profiled.curve} capacity={profiled.capacity} device={profiled.device} height={plot} /></div>}
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
  const figures = useStageFigures();
  const stageNames = useApp((s) => s.stageNames);
  const height = usePanes((p) => p.charts);
  const collapsed = usePanes((p) => p.chartsCollapsed);
  const dock = usePanes((p) => p.chartsDock);
  if (!report || !figures) return null;
  const tabs: Tab[] = comparing ? ['compare', ...TABS] : [...TABS];
  if (report.pipeline) tabs.splice(tabs.indexOf('timeline'), 0, 'pipeline');
  const folded = collapsed && dock === 'below';
  const stageName = figures.stage !== null ? stageNames[figures.stage] ?? `tactic ${figures.stage + 1}` : '';
  const stageNote = figures.unavailable
    ? <div className="chart-note stage-note" data-testid="charts-stage-note">Stage slider: {figures.unavailable}.</div>
    : figures.stage !== null
      ? <div className="chart-note stage-note" data-testid="charts-stage-note" data-stage={figures.stage}>Figures after {stageName} ({figures.stage + 1} of {report.stages.length}): the later tactics are left out (the timeline tab is the whole schedule's).</div>
      : null;
  const cls = ['charts-pane', comparing ? 'comparing' : '', dock === 'right' ? 'docked-right' : '', folded ? 'collapsed' : ''].filter(Boolean).join(' ');
  return (
    <div className={cls} data-testid="charts-pane" data-dock={dock} data-collapsed={folded}
      style={dock === 'below' ? { height: folded ? undefined : height } : undefined}>
      <div className="tabs" role="tablist" aria-label="charts">
        {tabs.map((t) => (
          <button key={t} role="tab" aria-selected={t === tab && !folded} className={t === tab && !folded ? 'tab active' : 'tab'}
            data-testid={`tab-${t.split(' ')[0]}`} onClick={() => {
              setTab(t);
              if (folded) setPanes({ chartsCollapsed: false });
            }}>
            {t === 'compare' ? 'A vs B' : t}{t === 'collectives' ? ` (${figures.collectives.length})` : ''}
          </button>
        ))}
        <span className="spacer" />
        <button type="button" className="icon tab-tool" data-testid="charts-dock"
          title={dock === 'below' ? 'Move the charts to the right column, under the stages (more room for the graph)' : 'Move the charts back under the graph'}
          aria-label={dock === 'below' ? 'move the charts to the right column' : 'move the charts under the graph'}
          onClick={() => setPanes({ chartsDock: dock === 'below' ? 'right' : 'below', chartsCollapsed: false })}>{dock === 'below' ? '⇥' : '⇤'}</button>
        {dock === 'below' && (
          <button type="button" className="icon tab-tool" data-testid="charts-fold" aria-expanded={!folded}
            title={folded ? 'Show the charts' : 'Hide the charts (the tabs stay)'} aria-label={folded ? 'show the charts' : 'hide the charts'}
            onClick={() => setPanes({ chartsCollapsed: !folded })}>{folded ? '▴' : '▾'}</button>
        )}
      </div>
      {!folded && <div className={tab === 'memory & time' ? 'tab-body why' : 'tab-body'}>
        {stageNote}
        {tab === 'memory & time' && <WhyGrid figures={figures} axes={axes.map((a) => a.name)} />}
        {tab === 'pipeline' && report.pipeline && <PipelinePanel pipeline={report.pipeline} />}
        {tab === 'timeline' && <Timeline timeline={report.timeline} meshAxes={axes} onSelectInterval={(iv) => void selectOpByLabel(iv.op)} />}
        {tab === 'collectives' && <CollectivesTable collectives={figures.collectives} onSelectOp={(c) => void selectOpByLabel(c.op)} />}
        {tab === 'tactics' && <StageChart stages={report.stages} />}
        {tab === 'compare' && comparing && <ComparePanel />}
      </div>}
    </div>
  );
}
