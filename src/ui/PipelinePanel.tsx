/**
 * The pipeline tab: the schedule and the micro-batch and stage counts, editable in place (they rewrite the
 * Pipeline/Microbatch call and the pipeline axis's size), the Gantt chart and the per-stage figures.
 */
import { useState } from 'react';
import type { PipelineJson } from '../core/report';
import { Gantt, MemoryChart, PipelineStages } from './charts';
import { removePipelineArg, setPipelineArg } from './pipelineText';
import { editDoc, setTactics, useApp } from './store';

const SCHEDULES = ['GPipe', '1F1B', 'interleaved', 'ZB-H1'] as const;

function CountInput({ label, value, min, testId, onCommit }: { label: string; value: number; min: number; testId: string; onCommit: (n: number) => void }) {
  const [draft, setDraft] = useState<string | null>(null);
  const commit = () => {
    const n = Number(draft);
    if (draft !== null && Number.isInteger(n) && n >= min && n !== value) onCommit(n);
    setDraft(null);
  };
  return (
    <label>
      {label}{' '}
      <input type="number" min={min} data-testid={testId} value={draft ?? String(value)}
        onChange={(e) => setDraft(e.target.value)} onBlur={commit} onKeyDown={(e) => { if (e.key === 'Enter') commit(); }} />
    </label>
  );
}

export function PipelinePanel({ pipeline }: { pipeline: PipelineJson }) {
  const tactics = useApp((s) => s.doc.tactics);
  const perDevice = useApp((s) => s.report?.memory.perDevice ?? []);
  const edit = (arg: string, value: string) => setTactics(setPipelineArg(tactics, arg, value));
  const setStages = (n: number) => editDoc((d) => ({ ...d, mesh: { axes: d.mesh.axes.map((a) => (a.name === pipeline.axis ? { ...a, size: n } : a)) } }), 'mesh');
  const isPipeline = pipeline.axis !== null;
  return (
    <div data-testid="pipeline-panel">
      <div className="pipeline-controls">
        {isPipeline && (
          <label>
            schedule{' '}
            <select data-testid="pipeline-schedule" value={pipeline.schedule}
              onChange={(e) => {
                const s = e.target.value;
                // virtual chunks belong to the interleaved schedule only
                const text = setPipelineArg(tactics, 'schedule', JSON.stringify(s));
                setTactics(s === 'interleaved' ? text : removePipelineArg(text, 'virtual'));
              }}>
              {SCHEDULES.map((s) => <option key={s} value={s}>{s}</option>)}
            </select>
          </label>
        )}
        {isPipeline && <CountInput label="stages" value={pipeline.stages} min={1} testId="pipeline-stages-input" onCommit={setStages} />}
        <CountInput label="micro-batches" value={pipeline.microbatches} min={1} testId="pipeline-microbatches-input"
          onCommit={(n) => edit(isPipeline ? 'microbatches' : 'count', String(n))} />
        {pipeline.schedule === 'interleaved' && <CountInput label="chunks per stage" value={pipeline.virtual} min={1} testId="pipeline-virtual-input" onCommit={(n) => edit('virtual', String(n))} />}
      </div>
      <Gantt pipeline={pipeline} />
      <div className="chart-row">
        <div className="chart-card"><PipelineStages pipeline={pipeline} /></div>
        <div className="chart-card"><MemoryChart perDevice={perDevice} /></div>
      </div>
    </div>
  );
}
