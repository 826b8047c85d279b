/** The model's headline numbers, computed in the worker; raw values ride in `data-value` for tests. */
import type { ReactNode } from 'react';
import { formatBytes, formatCount, formatFlops } from './format';
import { useApp } from './store';
import { exampleName, modelChoice } from './exampleName';

function Figure({ testId, label, value, text, title }: { testId: string; label: string; value: number; text: ReactNode; title?: string }) {
  return (
    <div className="figure" title={title}>
      <div className="figure-label">{label}</div>
      <div className="figure-value" data-testid={testId} data-value={value}>{text}</div>
    </div>
  );
}

export function ModelSummary() {
  const model = useApp((s) => s.report?.model);
  const stale = useApp((s) => s.reportStale);
  const doc = useApp((s) => s.doc);
  const example = exampleName(doc);
  const chosen = modelChoice(doc);
  if (!model) return <div className="model-summary muted" data-testid="model-summary">No model summary yet.</div>;
  const b = model.bytes;
  return (
    <div className={stale ? 'model-summary stale' : 'model-summary'} data-testid="model-summary" data-stale={stale}>
      <Figure testId="model-name" label="model" value={model.ops} text={chosen === model.name ? model.name : `${chosen}`}
        title={chosen === model.name ? undefined : `${chosen}: the zoo's ${model.name} family`} />
      <div className="figure example-name" data-testid="example-name" data-edited={example?.edited ?? false}>
        <div className="figure-label">example</div>
        <div className="figure-value small-value">{example ? `${example.title}${example.edited ? ' (edited)' : ''}` : 'your own config'}</div>
      </div>
      <Figure testId="model-parameters" label="parameters" value={model.parameters} text={formatCount(model.parameters)} />
      <Figure testId="model-ops" label="ops" value={model.ops} text={model.ops.toLocaleString()} />
      <Figure testId="model-flops" label="FLOPs / step" value={model.flops.model} text={formatFlops(model.flops.model)}
        title={`forward ${formatFlops(model.flops.byPhase.forward)}, backward ${formatFlops(model.flops.byPhase.backward)}, optimizer ${formatFlops(model.flops.byPhase.optimizer)}`} />
      {model.flops.executed !== model.flops.model && (
        <Figure testId="model-flops-executed" label="executed (remat)" value={model.flops.executed} text={formatFlops(model.flops.executed)} />
      )}
      <Figure testId="model-param-bytes" label="param bytes" value={b.params} text={formatBytes(b.params)} />
      <Figure testId="model-optimizer-bytes" label="optimizer bytes" value={b.optimizer} text={formatBytes(b.optimizer)} />
      <Figure testId="model-activation-bytes" label="activations" value={b.activations} text={formatBytes(b.activations)} />
      {stale && <div className="stale-note" data-testid="stale-note">showing the last good result</div>}
    </div>
  );
}
