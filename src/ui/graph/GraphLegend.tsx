/** Legend of the sharding overlay: one colour per mesh axis, how tiled / partial / replicated look, and the collective kinds. */
import type { CollectiveName } from '../../core/report';
import type { GraphLayout } from '../../worker/layout';
import { COLLECTIVE_COLOR, COLLECTIVE_SHORT, REPLICATED, STAGE_COLORS, stageColor } from './colors';

/** `highlighted`: how many drawn nodes are marked as differing between A and B (compare view); 0 hides the entry. */
export function GraphLegend({ layout, colors, highlighted = 0 }: { layout: GraphLayout; colors: ReadonlyMap<string, string>; highlighted?: number }) {
  const kinds = new Set<CollectiveName>();
  for (const e of layout.edges) for (const c of e.collectives) kinds.add(c.kind);
  for (const n of layout.nodes) for (const c of n.collectives) kinds.add(c.kind);
  return (
    <div className="graph-legend" data-testid="graph-legend">
      {layout.meshAxes.length === 0 && <div className="graph-muted">no mesh: nothing partitioned</div>}
      {layout.meshAxes.map((a) => (
        <div key={a.name} className="graph-legend-row" data-testid={`legend-axis-${a.name}`}>
          <span className="swatch" style={{ background: colors.get(a.name) }} />
          <span>{a.name}</span>
          <span className="graph-muted">×{a.size}</span>
        </div>
      ))}
      {layout.meshAxes.length > 0 && (
        <div className="graph-legend-row graph-muted">
          <span className="swatch" style={{ background: colors.get(layout.meshAxes[0].name) }} />tiled
          <span className="swatch" style={{ background: `${colors.get(layout.meshAxes[0].name)}66` }} />partial
          <span className="swatch" style={{ background: REPLICATED }} />replicated
        </div>
      )}
      {layout.pipeline && <StageLegend axis={layout.pipeline.axis} stages={layout.pipeline.stages} />}
      {[...kinds].map((k) => (
        <div key={k} className="graph-legend-row">
          <span className="pill" style={{ background: COLLECTIVE_COLOR[k] }}>{COLLECTIVE_SHORT[k]}</span>
          <span>{k}</span>
        </div>
      ))}
      {highlighted > 0 && (
        <div className="graph-legend-row" data-testid="legend-highlight">
          <span className="swatch highlight" />
          <span>sharding differs between A and B</span>
          <span className="graph-muted">({highlighted} shown)</span>
        </div>
      )}
      {layout.meshAxes.length > 0 && !layout.showsCollectives && layout.stages > 0 && (
        <div className="graph-muted">collectives: final stage only</div>
      )}
    </div>
  );
}

/**
 * The pipeline stages' colours (the stripe on each node's left edge), each swatch numbered by its position
 * on the pipeline axis; kept to one short row so that the graph keeps its height on a small screen.
 */
function StageLegend({ axis, stages }: { axis: string; stages: number }) {
  const shown = Math.min(stages, STAGE_COLORS);
  return (
    <div className="graph-legend-stages" data-testid="legend-stages" data-stages={stages} title="the stripe on each node's left edge: the pipeline stages that run it">
      <span className="graph-muted">{axis} stages</span>
      {Array.from({ length: shown }, (_, s) => (
        <span key={s} className="graph-legend-stage" data-testid={`legend-stage-${s}`} data-color={stageColor(s)} title={sharing(s, stages)}>
          <span className="swatch" style={{ background: stageColor(s) }} />
          {stages > STAGE_COLORS ? sharing(s, stages).slice('stage '.length) : s}
        </span>
      ))}
    </div>
  );
}

/** `stage 1, 10`: the stages that share colour `s` (more than one when there are more stages than colours). */
function sharing(s: number, stages: number): string {
  const all: number[] = [];
  for (let k = s; k < stages; k += STAGE_COLORS) all.push(k);
  return `stage ${all.join(', ')}`;
}
