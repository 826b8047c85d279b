/** The graph's toolbar: the legend (axes, collectives, marks), extra controls (the search box), the node and edge count, Fit. */
import type { ReactNode } from 'react';
import type { GraphLayout } from '../../worker/layout';
import { GraphLegend } from './GraphLegend';

export interface GraphToolbarProps {
  layout: GraphLayout | null;
  colors: ReadonlyMap<string, string>;
  highlighted: number;
  extra?: ReactNode;
  onFit: () => void;
}

export function GraphToolbar({ layout, colors, highlighted, extra, onFit }: GraphToolbarProps) {
  return (
    <div className="graph-toolbar">
      {layout ? <GraphLegend layout={layout} colors={colors} highlighted={highlighted} /> : <span />}
      <div className="graph-controls">
        {extra}
        <span className="graph-count" data-testid="graph-count">{layout ? `${layout.nodes.length} nodes · ${layout.edges.length} edges` : ''}</span>
        <button type="button" data-testid="graph-fit" onClick={onFit} title="Fit the graph in view">Fit</button>
      </div>
    </div>
  );
}
