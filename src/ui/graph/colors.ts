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
