/** The left panel: model and its parameters (or an imported module), mesh axes, hardware, options. */
import { useState } from 'react';
import { HARDWARE_PRESET_IDS, type HardwarePresetId, type LinkKind, type ModelParams } from '../../core/io/config';
import type { ZooParamDto } from '../../worker/protocol';
import {
  addAxis, deviceCountOf, linkKindsFor, removeAxis, renameAxis, setAxisSize, setLink, setModelParam, setOverlap, setPreset, setZooModel,
} from '../docEdits';
import { editDoc, useApp } from '../store';
import { NumberField, TextField } from './fields';
import { ImportPanel } from './ImportPanel';

const FALLBACK_ZOO = ['transformer', 'mlp'];
const AXIS_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

function ParamField({ name, value, schema }: { name: string; value: number | string | boolean; schema?: ZooParamDto }) {
  const key = `param:${name}`;
  const set = (v: number | string | boolean) => editDoc((d) => setModelParam(d, name, v), key);
  const testId = `param-${name}`;
  if (schema?.values && schema.values.length > 0) {
    return (
      <select data-testid={testId} aria-label={name} value={String(value)}
        onChange={(e) => set(schema.values!.find((v) => String(v) === e.target.value) ?? e.target.value)}>
        {schema.values.map((v) => <option key={String(v)} value={String(v)}>{String(v)}</option>)}
      </select>
    );
  }
  if (typeof value === 'boolean') return <input type="checkbox" data-testid={testId} aria-label={name} checked={value} onChange={(e) => set(e.target.checked)} />;
  if (typeof value === 'number') return <NumberField testId={testId} label={name} value={value} min={schema?.min ?? 0} integer={schema ? schema.integer !== false : Number.isInteger(value)} onCommit={set} />;
  return <TextField testId={testId} label={name} value={value} onCommit={set} />;
}

/** The picker's entry for an imported module (not a zoo name: those are identifiers). */
const IMPORT = 'stablehlo:import';

export const moduleNameOf = (text: string): string | undefined => /^\s*module\s+@([\w.$-]+)/m.exec(text)?.[1];

function ModelSection() {
  const model = useApp((s) => s.doc.model);
  const zoo = useApp((s) => s.zoo);
  const [importing, setImporting] = useState(false);
  const isModule = !('zoo' in model);
  const showImport = isModule || importing;
  const entry = 'zoo' in model ? zoo.find((z) => z.name === model.zoo) : undefined;
  const names = zoo.length ? zoo.map((z) => z.name) : FALLBACK_ZOO;
  const zooName = 'zoo' in model ? model.zoo : null;
  // Show the schema's params (with defaults for those not set), then any extra params the document holds.
  const params: [string, number | string | boolean, ZooParamDto | undefined][] = [];
  const given: ModelParams = 'zoo' in model ? (model.params ?? {}) : {};
  if (entry) for (const p of entry.params) params.push([p.name, given[p.name] ?? p.default, p]);
  for (const [k, v] of Object.entries(given)) if (!entry?.params.some((p) => p.name === k)) params.push([k, v, undefined]);
  const moduleLabel = isModule ? `StableHLO: @${moduleNameOf(model.stablehlo) ?? 'module'}` : 'StableHLO module (import)…';
  return (
    <section className="panel-section">
      <h3>Model</h3>
      <label className="row">
        <span>model</span>
        <select data-testid="model-picker" value={showImport ? IMPORT : (zooName ?? IMPORT)}
          onChange={(e) => {
            if (e.target.value === IMPORT) {
              setImporting(true);
              return;
            }
            setImporting(false);
            const next = zoo.find((z) => z.name === e.target.value);
            const defaults: ModelParams = {};
            for (const p of next?.params ?? []) defaults[p.name] = p.default;
            editDoc((d) => setZooModel(d, e.target.value, defaults));
          }}>
          {(zooName === null || names.includes(zooName) ? names : [zooName, ...names]).map((n) => <option key={n} value={n}>{n}</option>)}
          <option value={IMPORT}>{moduleLabel}</option>
        </select>
      </label>
      {showImport ? (
        <>
          {isModule
            ? <p className="muted small" data-testid="module-summary">Imported module, {model.stablehlo.split('\n').length.toLocaleString()} lines; its argument shardings run as the first stages.</p>
            : <p className="muted small">Paste a module, drop a .mlir file, or open an example.</p>}
          <ImportPanel onLoaded={() => setImporting(false)} />
        </>
      ) : (
        <>
          {entry && <p className="muted small">{entry.description}</p>}
          <div className="grid2">
            {params.map(([name, value, schema]) => (
              <label key={name} className="row" title={schema?.description}>
                <span>{name}</span>
                <ParamField name={name} value={value} schema={schema} />
              </label>
            ))}
          </div>
        </>
      )}
    </section>
  );
}

function MeshSection() {
  const axes = useApp((s) => s.doc.mesh.axes);
  const links = useApp((s) => s.doc.hardware.links);
  const preset = useApp((s) => s.doc.hardware.preset);
  const kinds = linkKindsFor(preset);
  const devices = useApp((s) => deviceCountOf(s.doc));
  return (
    <section className="panel-section">
      <h3>
        Mesh <span className="muted small" data-testid="device-count" data-value={devices}>{devices} device{devices === 1 ? '' : 's'}</span>
      </h3>
      <table className="axes">
        <thead><tr><th>axis</th><th>size</th><th>link</th><th /></tr></thead>
        <tbody>
          {axes.map((a, i) => (
            <tr key={i} data-testid={`axis-${i}`}>
              <td><TextField label={`axis ${i} name`} testId={`axis-name-${i}`} value={a.name} pattern={AXIS_NAME}
                hint="a name: letters, digits, _" onCommit={(v) => editDoc((d) => renameAxis(d, i, v))} /></td>
              <td><NumberField label={`axis ${i} size`} testId={`axis-size-${i}`} value={a.size} min={1}
                onCommit={(v) => editDoc((d) => setAxisSize(d, i, v), `axis-size:${i}`)} /></td>
              <td>
                <select aria-label={`axis ${i} link`} data-testid={`axis-link-${i}`} value={(links && Object.hasOwn(links, a.name) ? links[a.name] : undefined) ?? kinds[0]}
                  onChange={(e) => editDoc((d) => setLink(d, a.name, e.target.value as LinkKind))}>
                  {(kinds.includes((links && Object.hasOwn(links, a.name) ? links[a.name] : undefined) ?? kinds[0]) ? kinds : [links![a.name], ...kinds]).map((k) => <option key={k} value={k}>{k}</option>)}
                </select>
              </td>
              <td><button className="icon" title={`remove axis "${a.name}"`} data-testid={`axis-remove-${i}`}
                onClick={() => editDoc((d) => removeAxis(d, i))}>×</button></td>
            </tr>
          ))}
        </tbody>
      </table>
      <button data-testid="axis-add" onClick={() => editDoc(addAxis)}>+ axis</button>
    </section>
  );
}

function HardwareSection() {
  const preset = useApp((s) => s.doc.hardware.preset);
  const overlap = useApp((s) => s.doc.options?.overlap ?? false);
  return (
    <section className="panel-section">
      <h3>Hardware</h3>
      <label className="row">
        <span>preset</span>
        <select data-testid="hardware-preset" value={preset} onChange={(e) => editDoc((d) => setPreset(d, e.target.value as HardwarePresetId))}>
          {HARDWARE_PRESET_IDS.map((p) => <option key={p} value={p}>{p}</option>)}
        </select>
      </label>
      <label className="row" title="Overlap communication with independent compute">
        <span>overlap comms</span>
        <input type="checkbox" data-testid="overlap" checked={overlap} onChange={(e) => editDoc((d) => setOverlap(d, e.target.checked))} />
      </label>
    </section>
  );
}

export function SidePanel() {
  return (
    <aside className="side-panel" data-testid="side-panel">
      <ModelSection />
      <MeshSection />
      <HardwareSection />
    </aside>
  );
}
