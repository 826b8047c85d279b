/** The graph view's memoised derivations of a layout (layoutIndex.ts) and the axis colours it draws with. */
import { useMemo } from 'react';
import type { GraphLayout } from '../../worker/layout';
import { axisColorMap } from './colors';
import { countHighlighted, indexLayout, type LayoutIndex } from './layoutIndex';

export function useLayoutIndex(given: GraphLayout | null, highlight: ReadonlySet<string> | undefined): LayoutIndex & { colors: ReadonlyMap<string, string>; highlightCount: number } {
  const index = useMemo(() => indexLayout(given), [given]);
  const highlightCount = useMemo(() => countHighlighted(index.layout, highlight), [index.layout, highlight]);
  // Keyed by the axis names, not the array: every layout brings a new array, and a new colour map would redraw every node.
  const axesKey = (given?.meshAxes ?? []).map((a) => a.name).join('|');
  const colors = useMemo(() => axisColorMap(axesKey ? axesKey.split('|').map((name) => ({ name })) : []), [axesKey]);
  return { ...index, colors, highlightCount };
}
