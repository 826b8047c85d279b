/**
 * Details of the selected node: its sharding per mesh axis, the collectives it takes part in and its
 * cost on device 0 (from the Report's timeline). Ops are matched to Report entries by `opName`
 * (the name the pipeline gives the op); groups by scope prefix.
 */
import type { CollectiveJson, Report } from '../../core/report';
import type { LayoutNode } from '../../worker/layout';
import { opIdOfInterval } from '../charts/data';
import { formatBytes, formatSeconds } from '../charts/format';
import { axisColorMap, COLLECTIVE_COLOR, markFill } from './colors';
import { collectiveTitle } from './GraphSvg';

export interface NodeDetailsProps {
  node: LayoutNode | null;
  meshAxes?: readonly { name: string; size: number }[];
  report?: Report | null;
  /** The Report's name of the op in collectives[].op (core's `opLabel(program, opId)`), when the node is an op. */
  opName?: string;
}

const underScope = (scope: string, s: string) => s === scope || s.startsWith(`${scope}/`);

/** Collectives and device-0 intervals of the Report that belong to a node. */
export function reportEntriesFor(node: LayoutNode, report: Report, opName?: string) {
  const mine = (c: { op: string; scope: string }) =>
    node.kind === 'group' ? underScope(node.scope, c.scope) : opName !== undefined && c.op === opName;
  const collectives: CollectiveJson[] = report.collectives.filter(mine);
  // timeline intervals name their global op (`kind#id`), so ops match by id
  const intervals = report.timeline[0]?.intervals.filter((i) =>
    node.kind === 'group' ? underScope(node.scope, i.scope) : node.opId !== undefined && opIdOfInterval(i.op) === node.opId) ?? [];
  let compute = 0;
  let communication = 0;
  for (const i of intervals) {
    if (i.kind === 'compute') compute += i.end - i.start;
    else communication += i.end - i.start;
  }
  return { collectives, compute, communication, intervals: intervals.length };
}

export function NodeDetails({ node, meshAxes = [], report, opName }: NodeDetailsProps) {
  if (!node) return <div className="node-details graph-muted" data-testid="node-details">Select a node to see its sharding.</div>;
  const colors = axisColorMap(meshAxes);
  const entries = report ? reportEntriesFor(node, report, opName) : undefined;
  const jax = node.kind === 'op' && node.opId !== undefined ? report?.jax?.ops[String(node.opId)]
    : node.kind === 'input' && node.valueId !== undefined ? report?.jax?.values[String(node.valueId)] : undefined;
  return (
    <div className="node-details" data-testid="node-details" data-node={node.id}>
      <h3>{node.kind === 'group' ? node.scope : node.label}</h3>
      <div className="graph-muted">
        {node.kind}{node.opKind ? ` · ${node.opKind}` : ''}{node.phase ? ` · ${node.phase}` : ''}{node.scope && node.kind !== 'group' ? ` · ${node.scope}` : ''}
        {node.kind === 'group' ? ` · ${node.opCount} ops${node.inputCount ? `, ${node.inputCount} inputs` : ''}` : ''}
      </div>
      {node.kind !== 'group' && <p><code data-testid="node-sharded-type">{node.sublabel}</code></p>}
      {jax && (
        // an imported module: what JAX would compile this value to, and the annotation that set it
        <div data-testid="node-jax" data-differs={jax.differs ? 'true' : 'false'}>
          {jax.annotation && <p>annotated: <code data-testid="node-annotation">{jax.annotation}</code></p>}
          <p>JAX would shard this value as <code>{jax.jax}</code>{jax.differs ? <> (the schedule: <code>{jax.schedule}</code>)</> : null}</p>
        </div>
      )}
      {node.constants && node.constants.length > 0 && (
        <p data-testid="node-constants">constants used (not drawn): {node.constants.map((c, i) => <code key={i}>{i ? ', ' : ''}{c}</code>)}</p>
      )}
      {node.folded && <p data-testid="node-folded">{node.folded} consecutive groups with the same structure, folded into one node; expand it to see each.</p>}
      {node.axes.length > 0 && (
        <table data-testid="node-shardings">
          <thead><tr><th>axis</th><th>{node.kind === 'group' ? 'mostly' : 'state'}</th><th>{node.kind === 'group' ? 'share sharded' : 'dim'}</th></tr></thead>
          <tbody>
            {node.axes.map((a) => (
              <tr key={a.axis} data-testid={`node-axis-${a.axis}`} data-state={a.state}>
                <td><span className="swatch" style={{ display: 'inline-block', width: 10, height: 8, marginRight: 4, background: markFill({ ...a, state: 'tiled' }, colors) }} />{a.axis}</td>
                <td>{a.state}</td>
                <td>{a.fraction !== undefined ? `${Math.round(a.fraction * 100)} %` : a.dim ?? '—'}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {node.collectives.length > 0 && (
        <>
          <h3 style={{ marginTop: 8 }}>Collectives here</h3>
          <ul data-testid="node-collectives">
            {node.collectives.map((c) => <li key={`${c.kind}${c.axes.join()}`} style={{ color: COLLECTIVE_COLOR[c.kind] }}>{collectiveTitle(c)}</li>)}
          </ul>
        </>
      )}
      {entries && (
        <table data-testid="node-cost" style={{ marginTop: 8 }}>
          <tbody>
            <tr><td>compute (device 0)</td><td data-value={entries.compute}>{formatSeconds(entries.compute)}</td></tr>
            <tr><td>communication (device 0)</td><td data-value={entries.communication}>{formatSeconds(entries.communication)}</td></tr>
            {node.kind === 'group' ? (
              <tr><td>collectives inside</td><td>{entries.collectives.length} · {formatBytes(entries.collectives.reduce((s, c) => s + c.bytes, 0))}</td></tr>
            ) : (
              // an op's own collectives come from the SPMD program (exact); Report labels can name several ops alike
              <tr><td>collectives</td><td>{node.collectives.reduce((s, c) => s + c.count, 0)} · {formatBytes(node.collectives.reduce((s, c) => s + c.bytes, 0))}</td></tr>
            )}
          </tbody>
        </table>
      )}
    </div>
  );
}
