/** Steps through the schedule: -1 shows the program before any tactic, k the shardings after tactic k. */
export function StageSlider({ stages, stage, onStage, names }: { stages: number; stage: number; onStage: (s: number) => void; names?: readonly string[] }) {
  const label = stage < 0 ? 'before any tactic' : `after ${names?.[stage] ?? `tactic ${stage + 1}`} (${stage + 1}/${stages})`;
  return (
    <div className="graph-stage" data-testid="stage-control">
      <label htmlFor="graph-stage-slider">Stage</label>
      <input id="graph-stage-slider" type="range" min={-1} max={stages - 1} step={1} value={Math.min(stage, stages - 1)}
        data-testid="stage-slider" aria-valuetext={label}
        onChange={(e) => onStage(Number(e.currentTarget.value))} />
      <span data-testid="stage-label">{label}</span>
    </div>
  );
}
