/** Title, undo/redo, the run status with progress and cancel, and the share button. */
import { useState } from 'react';
import { cancelRun, rerun } from './runner';
import { appStore, redo, startCompare, stopCompare, undo, useApp } from './store';
import { shareUrl } from './urlSync';
import { downloadText } from './export/download';
import { ExamplesMenu } from './Menus';
import { ExportMenu } from './export/ExportMenu';
import { chartsDocument } from './export/chartsDocument';
import { useInvalidFields } from './invalidFields';
import { pipelineClient } from './runner';
import { graphExportImage } from './GraphPane';

const STATUS_TEXT: Record<string, string> = {
  idle: 'idle', pending: 'waiting…', running: 'computing…', ok: 'up to date', error: 'error', cancelled: 'cancelled',
};

function Status() {
  const status = useApp((s) => s.status);
  const progress = useApp((s) => s.progress);
  const millis = useApp((s) => s.millis);
  const auto = useApp((s) => s.auto);
  const invalid = useInvalidFields();
  const busy = status === 'running' || status === 'pending';
  // While an AutomaticPartition searches, its simulations are the progress that matters.
  const searching = status === 'running' && auto !== null;
  const fraction = searching ? auto.simulations / Math.max(1, auto.budget) : (progress?.fraction ?? 0);
  // A field whose value is not applied: the result is of the values before it, not of what the screen shows.
  const ignoring = status === 'ok' && invalid.length > 0;
  const text = searching
    ? `searching ${auto.tactic} ${auto.simulations}/${auto.budget}`
    : status === 'running' && progress ? `${progress.stage} ${Math.round(progress.fraction * 100)}%`
      : ignoring ? `not applied: ${invalid.length === 1 ? 'an invalid field' : `${invalid.length} invalid fields`}` : STATUS_TEXT[status];
  return (
    <div className={`status status-${status}${ignoring ? ' status-invalid' : ''}`} data-testid="status" data-status={status} data-invalid={invalid.length || undefined}
      role="status" aria-live="polite" title={ignoring ? invalid.join('\n') : undefined}>
      <span className="dot" />
      <span data-testid="status-text">{text}</span>
      {status === 'ok' && !ignoring && <span className="muted small">{millis} ms</span>}
      {busy && (
        <>
          <span className="progress"><span style={{ width: `${Math.round(Math.min(1, fraction) * 100)}%` }} /></span>
          <button data-testid="cancel" onClick={cancelRun} title="Stop this run (the last result stays on screen)">Cancel</button>
        </>
      )}
      {status === 'cancelled' && <button data-testid="rerun" onClick={rerun}>Run</button>}
    </div>
  );
}

function ShareButton() {
  const [shown, setShown] = useState<{ url: string; copied: boolean } | { tooLong: true } | null>(null);
  const share = async () => {
    const s = appStore.getState();
    const url = shareUrl(s.doc, s.docB);
    if (url === null) {
      setShown({ tooLong: true });
      return;
    }
    let copied = false;
    try {
      await navigator.clipboard.writeText(url);
      copied = true;
    } catch {
      // Clipboard blocked (permissions, insecure context): the URL is shown to copy by hand.
    }
    setShown({ url, copied });
  };
  const downloadConfig = () => {
    const s = appStore.getState();
    downloadText(`${JSON.stringify(s.doc, null, 2)}\n`, 'partir-config.json', 'application/json');
  };
  return (
    <div className="share">
      <button data-testid="share" onClick={() => void share()} title="Copy a link that holds this whole configuration (A and B when comparing)">Share</button>
      {shown && 'tooLong' in shown && (
        <div className="share-pop" data-testid="share-pop" role="alert">
          <div data-testid="share-too-long">
            The link is too long: this document would make a link longer than a browser keeps. Share the config file
            instead (the command line reads it: <code>npm run -s cli -- simulate partir-config.json</code>).
          </div>
          <button data-testid="share-download-config" onClick={downloadConfig}>Download config file</button>
          <button className="icon" onClick={() => setShown(null)} aria-label="close">×</button>
        </div>
      )}
      {shown && 'url' in shown && (
        <div className="share-pop" data-testid="share-pop">
          <div>
            {shown.copied ? 'Link copied' : 'Copy this link'} — <span data-testid="share-length" data-value={shown.url.length}>{shown.url.length.toLocaleString()} characters</span>
            {shown.url.length > 2000 && <span className="warn"> (long: may not paste into chat)</span>}
          </div>
          <input readOnly value={shown.url} data-testid="share-url" onFocus={(e) => e.target.select()} />
          <button className="icon" onClick={() => setShown(null)} aria-label="close">×</button>
        </div>
      )}
    </div>
  );
}

function CompareToggle() {
  const comparing = useApp((s) => s.docB !== null);
  return (
    <button data-testid="compare-toggle" aria-pressed={comparing} className={comparing ? 'active' : undefined}
      title={comparing ? 'Close the compare view (B is dropped)' : 'Compare this configuration (A) with a copy (B) that you edit'}
      onClick={() => (comparing ? stopCompare() : startCompare())}>
      {comparing ? '✕ Close compare' : 'Compare A/B'}
    </button>
  );
}

function Export() {
  const config = useApp((s) => s.doc);
  const report = useApp((s) => s.report);
  return (
    <ExportMenu config={config} report={report}
      exportFile={(kind) => pipelineClient().exportFile(kind)}
      images={[
        { id: 'graph', label: 'Graph', get: graphExportImage },
        { id: 'charts', label: 'Charts', get: () => (report ? chartsDocument(report, config.mesh.axes) : null) },
      ]}
      onError={(banner) => appStore.setState({ banner })} />
  );
}

export function Header() {
  const canUndo = useApp((s) => s.past.length > 0);
  const canRedo = useApp((s) => s.future.length > 0);
  return (
    <header className="header">
      <h1>PartIR Explorer</h1>
      <span className="muted small">compose SPMD partitioning strategies</span>
      <ExamplesMenu />
      <div className="spacer" />
      <Status />
      <button data-testid="undo" disabled={!canUndo} onClick={undo} title="Undo (Ctrl+Z)">↶ Undo</button>
      <button data-testid="redo" disabled={!canRedo} onClick={redo} title="Redo (Ctrl+Shift+Z)">↷ Redo</button>
      <CompareToggle />
      <Export />
      <ShareButton />
    </header>
  );
}
