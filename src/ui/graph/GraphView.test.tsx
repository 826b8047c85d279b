import { cleanup, fireEvent, render, screen } from '@testing-library/react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { ProgramBuilder } from '../../core/ir/builder';
import type { Program } from '../../core/ir/types';
import { groupNodeId, layoutGraph, opNodeId } from '../../worker/layout';
import { GraphView, TACTIC_MIME, type GraphViewProps } from './GraphView';

const MM = { lhsBatch: [], rhsBatch: [], lhsContract: [1], rhsContract: [0] };

/** x → layer_0 (dot, tanh) → layer_1 (dot): two groups of ops. */
function twoLayers(): Program {
  const b = new ProgramBuilder('two');
  const x = b.input('batch/x', { shape: [4, 8], dtype: 'f32' });
  const w0 = b.input('params/layer_0/w', { shape: [8, 8], dtype: 'f32' });
  const w1 = b.input('params/layer_1/w', { shape: [8, 8], dtype: 'f32' });
  const h = b.scoped('layer_0', () => b.unary('tanh', b.dot(x, w0, MM)));
  b.output(b.scoped('layer_1', () => b.dot(h, w1, MM)), 'y');
  return b.build();
}

function view(over: Partial<GraphViewProps> = {}) {
  const props: GraphViewProps = {
    layout: layoutGraph(twoLayers(), { expanded: ['layer_0'] }),
    selected: null, onSelect: vi.fn(), onToggleGroup: vi.fn(), stages: 2, stage: 1, onStage: vi.fn(), renderer: 'svg', ...over,
  };
  render(<GraphView {...props} />);
  return props;
}

afterEach(cleanup);

describe('GraphView (SVG)', () => {
  it('draws every laid-out node and edge and counts them', () => {
    const p = view();
    const layout = p.layout!;
    expect(screen.getByTestId('graph-view').dataset.renderer).toBe('svg');
    expect(screen.getByTestId('graph-count').textContent).toBe(`${layout.nodes.length} nodes · ${layout.edges.length} edges`);
    for (const n of layout.nodes) expect(screen.getByTestId(`graph-node-${n.id}`)).toBeTruthy();
  });

  it('selects a clicked node, and toggles a group from its button', () => {
    const p = view();
    const tanh = p.layout!.nodes.find((n) => n.id === opNodeId(1))!;
    fireEvent.click(screen.getByTestId(`graph-node-${tanh.id}`));
    expect(p.onSelect).toHaveBeenCalledWith(tanh.id, tanh);
    expect(p.layout!.nodes.some((n) => n.id === groupNodeId('layer_1'))).toBe(true);
    fireEvent.click(screen.getByTestId('group-toggle-layer_1'));
    expect(p.onToggleGroup).toHaveBeenCalledWith('layer_1');
  });

  it('names the stage on the slider and reports a move', () => {
    const p = view({ stageNames: ['BP', 'MP'] });
    expect(screen.getByTestId('stage-label').textContent).toBe('after MP (2/2)');
    fireEvent.change(screen.getByTestId('stage-slider'), { target: { value: '-1' } });
    expect(p.onStage).toHaveBeenCalledWith(-1);
  });

  it('walks the nodes with the arrow keys, says what is selected, and Escape clears it', () => {
    const p = view();
    const host = screen.getByTestId('graph-canvas-host');
    fireEvent.keyDown(host, { key: 'ArrowDown' });
    expect(p.onSelect).toHaveBeenCalledTimes(1);
    const [id, n] = (p.onSelect as ReturnType<typeof vi.fn>).mock.calls[0] as [string, { id: string }];
    expect(n.id).toBe(id);
    cleanup();
    const q = view({ selected: id });
    expect(screen.getByTestId('graph-kbd-status').textContent).toMatch(/ selected$/);
    fireEvent.keyDown(screen.getByTestId('graph-canvas-host'), { key: 'Escape' });
    expect(q.onSelect).toHaveBeenCalledWith(null);
  });

  it('hands a tactic dropped on a node to the shell', () => {
    const onDropTactic = vi.fn();
    const p = view({ onDropTactic });
    const tanh = p.layout!.nodes.find((n) => n.id === opNodeId(1))!;
    const dataTransfer = { getData: (t: string) => (t === TACTIC_MIME ? 'BP' : ''), dropEffect: 'none' };
    fireEvent.dragOver(screen.getByTestId(`graph-node-${tanh.id}`), { dataTransfer });
    fireEvent.drop(screen.getByTestId(`graph-node-${tanh.id}`), { dataTransfer });
    expect(onDropTactic).toHaveBeenCalledWith(tanh.id, 'BP');
  });
});
