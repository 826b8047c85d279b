/**
 * AutomaticPartition in the UI: while a search runs, its progress and the best strategy so far (streamed
 * from the core search through the worker's progress channel); after it, what each one chose, with
 * "Make manual", which puts the chosen ManualPartition tactics into the text in its place. A cancelled
 * search keeps its best so far on screen, so it can still be adopted.
 */
import { formatBytes, formatSeconds } from './format';
import { appStore, editDoc, useApp } from './store';
import { makeManual } from './tacticText';

/** Names defined by a tactic text (`A_model = ManualPartition(...)`), in order. */
export const definedNames = (text: string): string[] => [...text.matchAll(/^\s*([A-Za-z_]\w*)\s*=/gm)].map((m) => m[1]);

/** Replaces the AutomaticPartition `tactic` by `text`; a banner when it is no longer in the editor. */
export function adopt(tactic: string, text: string, names: readonly string[]): void {
  let missing = false;
  editDoc((d) => {
    const next = makeManual(d.tactics, { tactic, text, names });
    if (next === null) {
      missing = true;
      return d;
    }
    return { ...d, tactics: next };
  });
  if (missing) appStore.setState({ banner: `"${tactic}" is no longer an AutomaticPartition in the tactics: nothing was replaced.` });
}

export function AutoPanel() {
  const auto = useApp((s) => s.auto);
  const status = useApp((s) => s.status);
  const results = useApp((s) => s.report?.auto);
  const stale = useApp((s) => s.reportStale);
  const running = status === 'running' && auto !== null;
  const cancelled = status === 'cancelled' && auto !== null;
  if (!running && !cancelled && !(results && results.length)) return null;
  return (
    <div className="auto-panel" data-testid="auto-panel">
      {(running || cancelled) && auto && (
        <div className="auto-live" data-testid="auto-progress" data-simulations={auto.simulations} data-budget={auto.budget}>
          <div className="auto-head">
            <strong>{running ? `Searching ${auto.tactic}` : `Search for ${auto.tactic} cancelled`}</strong>
            <span className="muted small">{auto.phase} · {auto.simulations}/{auto.budget} simulations · {auto.seconds.toFixed(1)} s</span>
          </div>
          <span className="progress wide"><span style={{ width: `${Math.min(100, Math.round((100 * auto.simulations) / Math.max(1, auto.budget)))}%` }} /></span>
          <div className="auto-best" data-testid="auto-best" data-step={auto.best.step} data-peak={auto.best.peak}>
            best so far: step {formatSeconds(auto.best.step)}, peak {formatBytes(auto.best.peak)}{auto.best.feasible ? '' : ' (over the memory limit)'}
            {auto.best.text ? <pre>{auto.best.text.trim()}</pre> : <div className="muted small">nothing better than the tactics before it yet</div>}
          </div>
          {auto.best.text && (
            <button data-testid="auto-adopt-best" title="Replace the AutomaticPartition by the best strategy found so far"
              onClick={() => adopt(auto.tactic, auto.best.text, definedNames(auto.best.text))}>Use best so far</button>
          )}
        </div>
      )}
      {!running && results?.map((r, i) => (
        <div key={`${r.tactic}-${i}`} className={stale ? 'auto-result stale' : 'auto-result'} data-testid={`auto-result-${i}`}>
          <div className="auto-head">
            <strong>{r.tactic}</strong>
            <span className="muted small">
              on {r.axes.join(', ')} ({r.objective}) · {r.simulations} simulations, {r.seconds.toFixed(1)} s, {r.stopped}
            </span>
          </div>
          <div className="small" data-testid={`auto-gain-${i}`} data-baseline={r.baseline.step} data-best={r.best.step} data-best-peak={r.best.peak} data-baseline-peak={r.baseline.peak}>
            step {formatSeconds(r.baseline.step)} → <strong>{formatSeconds(r.best.step)}</strong>, peak {formatBytes(r.baseline.peak)} → <strong>{formatBytes(r.best.peak)}</strong>
            {!r.feasible && <span className="warn"> · over the {formatBytes(r.memoryLimit)} limit</span>}
          </div>
          {r.text ? <pre data-testid={`auto-text-${i}`}>{r.text.trim()}</pre> : <div className="muted small">chose nothing: no partitioning on these axes beat the tactics before it</div>}
          <button data-testid={`auto-make-manual-${i}`} disabled={stale}
            title="Replace the AutomaticPartition in the editor by the ManualPartition tactics it chose"
            onClick={() => adopt(r.tactic, r.text, r.names)}>Make manual</button>
        </div>
      ))}
    </div>
  );
}
