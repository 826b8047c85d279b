/** Headline figures of a step. Each carries its raw value (seconds, bytes, fraction, bytes) in data-value for tests and exports. */
import type { ReactNode } from 'react';
import type { Report } from '../../core/report';
import { communicationBytes, peakMemory } from './data';
import { formatBytes, formatPercent, formatSeconds } from './format';
import './charts.css';

export interface SummaryStripProps {
  time?: Report['time'];
  memory?: Report['memory'];
  collectives?: Report['collectives'];
}

function Figure({ id, label, value, text, hint, warn, note }: { id: string; label: string; value: number | undefined; text: string; hint?: string; warn?: boolean; note?: ReactNode }) {
  return (
    <div className={`summary-figure${warn ? ' warn' : ''}`} data-testid={id} data-value={value ?? ''} title={hint}>
      <div className="summary-label">{label}</div>
      <div className="summary-value">{value === undefined ? '—' : text}</div>
      {note}
    </div>
  );
}

export function SummaryStrip({ time, memory, collectives }: SummaryStripProps) {
  const peak = memory && memory.perDevice.length ? peakMemory(memory.perDevice) : undefined;
  const capacity = memory?.perDevice[0]?.capacity;
  const oom = memory?.perDevice.some((d) => d.outOfMemory) ?? false;
  const comm = collectives ? communicationBytes(collectives) : undefined;
  return (
    <div className="summary-strip" data-testid="summary-strip">
      <Figure id="step-time" label="Step time" value={time?.step} text={formatSeconds(time?.step ?? 0)}
        hint={time ? `compute ${formatSeconds(time.compute)}, exposed communication ${formatSeconds(time.exposedCommunication)}` : undefined}
        note={time?.validation && (
          <a className="summary-band" data-testid="step-time-band" href={time.validation.page} target="_blank" rel="noreferrer"
            title="the simulator's step-time error on published training runs of this chip family (the validation table)">
            {time.validation.text}
          </a>
        )} />
      <Figure id="peak-memory" label={oom ? 'Peak memory / device — out of memory' : 'Peak memory / device'} value={peak}
        text={`${formatBytes(peak ?? 0)}${capacity ? ` of ${formatBytes(capacity)}` : ''}`} warn={oom}
        note={memory?.validation && (
          <a className="summary-band" data-testid="peak-memory-band" href={memory.validation.page} target="_blank" rel="noreferrer"
            title={`the simulator's peak-memory error: ${memory.validation.text} (the validation table)`}>
            {memory.validation.short}
          </a>
        )} />
      <Figure id="mfu" label="MFU" value={time?.mfu} text={formatPercent(time?.mfu ?? 0)} hint="model FLOPs / (step time × peak FLOP/s of all devices)" />
      <Figure id="communication" label="Communication / step" value={comm}
        text={`${formatBytes(comm ?? 0)}${collectives ? ` · ${collectives.length} collectives` : ''}`} hint="sum over collectives of the full operand per device group (nccl-tests convention)" />
    </div>
  );
}
