/**
 * The compare view's diff (A = the document, B = its copy with other tactics): time and memory deltas,
 * collectives B adds or removes, and the values whose sharding differs (marked on the graph). Raw
 * figures ride in `data-a` / `data-b` for tests; the diff itself comes from core's `compareResults`.
 */
import { HARDWARE_PRESET_IDS, type HardwarePresetId } from '../core/io/config';
import type { AxisShardingJson } from '../core/report';
import type { CompareDto } from '../worker/protocol';
import { setAxisSize, setPreset } from './docEdits';
import { formatBytes, formatChange, formatPercent, formatSeconds } from './format';
import { NumberField } from './panels/fields';
import { editDocB, useApp } from './store';

type Fmt = (n: number) => string;

function DeltaRow({ id, label, a, b, fmt, higherIsBetter = false }: { id: string; label: string; a: number; b: number; fmt: Fmt; higherIsBetter?: boolean }) {
  const better = a === b ? '' : (b < a) !== higherIsBetter ? 'better' : 'worse';
  return (
    <tr data-testid={`diff-${id}`} data-a={a} data-b={b}>
      <th>{label}</th>
      <td>{fmt(a)}</td>
      <td>{fmt(b)}</td>
      <td className={better}>{formatChange(a, b)}</td>
    </tr>
  );
}

export const axisText = (s: AxisShardingJson | undefined): string =>
  s === undefined ? '—' : typeof s === 'object' ? `dim ${s.tiled}` : s;

const MAX_ROWS = 60;

function Totals({ diff }: { diff: CompareDto }) {
  const t = diff.time;
  const m = diff.memory;
  return (
    <table className="diff-table totals">
      <thead><tr><th /><th>A</th><th>B</th><th>B vs A</th></tr></thead>
      <tbody>
        <DeltaRow id="step" label="step time" a={t.step.a} b={t.step.b} fmt={formatSeconds} />
        <DeltaRow id="compute" label="compute" a={t.compute.a} b={t.compute.b} fmt={formatSeconds} />
        <DeltaRow id="communication" label="communication" a={t.communication.a} b={t.communication.b} fmt={formatSeconds} />
        <DeltaRow id="exposed" label="exposed comms" a={t.exposedCommunication.a} b={t.exposedCommunication.b} fmt={formatSeconds} />
        <DeltaRow id="mfu" label="MFU" a={t.mfu.a} b={t.mfu.b} fmt={formatPercent} higherIsBetter />
        <DeltaRow id="peak" label="peak memory / device" a={m.peak.a} b={m.peak.b} fmt={formatBytes} />
        {Object.entries(m.atPeak).map(([k, d]) => (
          <DeltaRow key={k} id={`mem-${k}`} label={`· ${k}`} a={d.a} b={d.b} fmt={formatBytes} />
        ))}
      </tbody>
    </table>
  );
}

/** B's own mesh axis sizes and hardware (its tactics are in the second editor); A's are the side panel's. */
function BSetup() {
  const docB = useApp((s) => s.docB);
  const doc = useApp((s) => s.doc);
  if (!docB) return null;
  return (
    <div className="diff-block b-setup" data-testid="compare-b-setup">
      <h4>B's mesh and hardware <span className="muted small">(A's are in the side panel)</span></h4>
      <div className="b-setup-row">
        {docB.mesh.axes.map((a, i) => (
          <label key={i} className={doc.mesh.axes[i]?.size !== a.size ? 'differs' : undefined}>
            <span>{a.name}</span>
            <NumberField label={`B axis ${a.name} size`} testId={`b-axis-size-${i}`} value={a.size} min={1} onCommit={(v) => editDocB((d) => setAxisSize(d, i, v))} />
          </label>
        ))}
        <label className={doc.hardware.preset !== docB.hardware.preset ? 'differs' : undefined}>
          <span>hardware</span>
          <select data-testid="b-hardware-preset" aria-label="B hardware preset" value={docB.hardware.preset}
            onChange={(e) => editDocB((d) => setPreset(d, e.target.value as HardwarePresetId))}>
            {HARDWARE_PRESET_IDS.map((p) => <option key={p} value={p}>{p}</option>)}
          </select>
        </label>
      </div>
    </div>
  );
}

function CollectiveKinds({ diff }: { diff: CompareDto }) {
  const rows = diff.collectives.kinds;
  if (rows.length === 0) return null;
  return (
    <table className="diff-table" data-testid="diff-by-kind">
      <thead><tr><th>kind</th><th>axes</th><th>count A→B</th><th>bytes A→B</th><th>time A→B</th><th>B vs A</th></tr></thead>
      <tbody>
        {rows.map((r) => (
          <tr key={r.kind} data-testid={`diff-kind-${r.kind}`} data-a={r.count.a} data-b={r.count.b}>
            <td>{r.kind}</td>
            <td>{r.axes.join(', ')}</td>
            <td>{r.count.a} → {r.count.b}</td>
            <td>{formatBytes(r.bytes.a)} → {formatBytes(r.bytes.b)}</td>
            <td>{formatSeconds(r.seconds.a)} → {formatSeconds(r.seconds.b)}</td>
            <td className={r.seconds.a === r.seconds.b ? '' : r.seconds.b < r.seconds.a ? 'better' : 'worse'}>{formatChange(r.seconds.a, r.seconds.b)}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

function Collectives({ diff }: { diff: CompareDto }) {
  const rows = [
    ...diff.collectives.added.map((g) => ({ g, change: 'added' as const })),
    ...diff.collectives.removed.map((g) => ({ g, change: 'removed' as const })),
    ...diff.collectives.changed.map((g) => ({ g, change: 'changed' as const })),
  ].sort((x, y) => x.g.kind.localeCompare(y.g.kind));
  return (
    <div className="diff-block">
      <h4>
        Collectives <span className="muted small" data-testid="diff-collectives-count" data-added={diff.collectives.added.length}
          data-removed={diff.collectives.removed.length}>{diff.collectives.added.length} added, {diff.collectives.removed.length} removed, {diff.collectives.changed.length} changed</span>
      </h4>
      <CollectiveKinds diff={diff} />
      {rows.length === 0 ? <div className="muted small">the same collectives</div> : (
        <table className="diff-table">
          <thead><tr><th /><th>kind</th><th>axes</th><th>phase</th><th>op</th><th>count A→B</th><th>bytes A→B</th></tr></thead>
          <tbody>
            {rows.slice(0, MAX_ROWS).map(({ g, change }, i) => [
              (i === 0 || rows[i - 1].g.kind !== g.kind) && (
                <tr key={`k${i}`} className="kind-head" data-testid="diff-kind-head"><td colSpan={7}>{g.kind}</td></tr>
              ),
              <tr key={i} className={`change-${change}`} data-testid={`diff-collective-${change}`}>
                <td>{change === 'added' ? '+' : change === 'removed' ? '−' : '~'}</td>
                <td>{g.kind}</td>
                <td>{g.axes.join(', ')}</td>
                <td>{g.phase}</td>
                <td className="op" title={g.op}>{g.op}</td>
                <td>{g.count.a} → {g.count.b}</td>
                <td>{formatBytes(g.bytes.a)} → {formatBytes(g.bytes.b)}</td>
              </tr>,
            ])}
          </tbody>
        </table>
      )}
      {rows.length > MAX_ROWS && <div className="muted small">… and {rows.length - MAX_ROWS} more</div>}
    </div>
  );
}

function Shardings({ diff }: { diff: CompareDto }) {
  const s = diff.shardings;
  return (
    <div className="diff-block">
      <h4>
        Values sharded differently <span className="muted small" data-testid="diff-values-count" data-value={s.count}>
          {s.count.toLocaleString()}{diff.sameModel ? '' : ' (different programs: matched by name)'} — outlined on the graph</span>
      </h4>
      {s.count === 0 ? <div className="muted small">every value is sharded alike</div> : (
        <table className="diff-table">
          <thead><tr><th>value</th><th>axes</th><th>A</th><th>B</th></tr></thead>
          <tbody>
            {s.values.slice(0, MAX_ROWS).map((v) => (
              <tr key={v.value} data-testid="diff-value">
                <td className="op" title={v.value}><code>{v.value}</code></td>
                <td>{v.axes.join(', ')}</td>
                <td>{v.a ? v.axes.map((ax) => `${ax}: ${axisText(v.a![ax])}`).join('; ') : 'absent'}</td>
                <td>{v.b ? v.axes.map((ax) => `${ax}: ${axisText(v.b![ax])}`).join('; ') : 'absent'}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {s.values.length > MAX_ROWS && <div className="muted small">… and {s.count - MAX_ROWS} more</div>}
    </div>
  );
}

export function ComparePanel() {
  const compare = useApp((s) => s.compare);
  const diff = compare.diff;
  return (
    <div className="compare-panel" data-testid="compare-panel" data-status={compare.status}>
      {compare.error && (
        <div className="error-bar" role="alert" data-testid="compare-error">
          <strong>B</strong>
          {compare.error.range && <span className="where">line {compare.error.range.line}, column {compare.error.range.column}</span>}
          <span className="msg">{compare.error.message}</span>
        </div>
      )}
      {!diff ? (
        <div className="muted pad"><BSetup />{compare.status === 'running' || compare.status === 'pending' ? 'Computing B and the diff…' : 'No diff yet.'}</div>
      ) : (
        <div className={compare.status === 'ok' ? 'compare-body' : 'compare-body stale'}>
          <BSetup />
          <div className="diff-block"><h4>Time and memory <span className="muted small">A: {diff.meshes.a} · B: {diff.meshes.b}</span></h4><Totals diff={diff} /></div>
          <Collectives diff={diff} />
          <Shardings diff={diff} />
        </div>
      )}
    </div>
  );
}
