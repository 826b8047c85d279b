/**
 * Colours of the sharding overlay: one hue per mesh axis (in mesh order), shared by the graph, its
 * legend and the charts, so that "model" is the same colour everywhere.
 */
import type { CollectiveName } from '../../core/report';
import type { AxisMark } from '../../worker/layout';

const AXIS_PALETTE = ['#1f77b4', '#d62728', '#2ca02c', '#9467bd', '#ff7f0e', '#17becf', '#8c564b', '#e377c2'];
export const REPLICATED = '#e4e7eb';

/** Colour of mesh axis number `i` (mesh order). */
export const axisColor = (i: number): string => AXIS_PALETTE[i % AXIS_PALETTE.length];

export function axisColorMap(axes: readonly { name: string }[]): Map<string, string> {
  return new Map(axes.map((a, i) => [a.name, axisColor(i)]));
}

/** Fill of one axis band of a node: full hue when tiled, pale when partial, grey when replicated. */
export function markFill(mark: AxisMark, colors: ReadonlyMap<string, string>): string {
  const c = colors.get(mark.axis) ?? '#888';
  if (mark.state === 'replicated') return REPLICATED;
  return mark.state === 'partial' ? `${c}66` : c;
}

export const COLLECTIVE_COLOR: Record<CollectiveName, string> = {
  'all-gather': '#0b7a75',
  'reduce-scatter': '#b8860b',
  'all-reduce': '#c2185b',
  'all-to-all': '#5e35b1',
  'collective-permute': '#546e7a',
};

export const COLLECTIVE_SHORT: Record<CollectiveName, string> = {
  'all-gather': 'AG', 'reduce-scatter': 'RS', 'all-reduce': 'AR', 'all-to-all': 'A2A', 'collective-permute': 'CP',
};

export const PHASE_COLOR: Record<string, string> = { forward: '#ffffff', backward: '#f6f1ff', optimizer: '#fff8e6' };

/**
 * Pipeline stages: Paul Tol's "muted" scheme, nine hues told apart with the common colour-vision
 * deficiencies; a pipeline with more stages reuses them in order (the legend and tooltips name the stage).
 */
const STAGE_PALETTE = ['#332288', '#88CCEE', '#44AA99', '#117733', '#999933', '#DDCC77', '#CC6677', '#882255', '#AA4499'];

/** Colour of pipeline stage `stage` (its position on the pipeline axis). */
export const stageColor = (stage: number): string => STAGE_PALETTE[stage % STAGE_PALETTE.length];

/** Distinct colours the palette holds: more stages than this share colours. */
export const STAGE_COLORS = STAGE_PALETTE.length;

/** Width of the stage stripe along a node's left edge, in layout units. */
export const STAGE_STRIPE_W = 6;

export interface StageStripe {
  readonly stage: number;
  readonly color: string;
  /** Offset from the node's top and height, in layout units. */
  readonly y: number;
  readonly height: number;
}

/**
 * The stripe of a node of `height` run by `stages` (ascending): one equal segment per stage, top to bottom
 * in stage order, so a group spanning stages 2–3 shows both colours. Empty for a node every stage shares.
 */
export function stageStripes(stages: readonly number[] | undefined, height: number): StageStripe[] {
  if (!stages?.length) return [];
  const h = height / stages.length;
  return stages.map((stage, i) => ({ stage, color: stageColor(stage), y: i * h, height: h }));
}

/** `pipeline stage 3`, `pipeline stages 0, 2, 5`: the words beside the stripe (tooltips); '' for a shared node. */
export function stagesLabel(stages: readonly number[] | undefined): string {
  if (!stages?.length) return '';
  return `pipeline stage${stages.length > 1 ? 's' : ''} ${stages.join(', ')}`;
}
