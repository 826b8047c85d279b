import { cleanup, fireEvent, render, screen } from '@testing-library/react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { CollectiveJson } from '../../core/report';
import { CollectivesTable } from './CollectivesTable';

const c = (kind: CollectiveJson['kind'], axes: string[], bytes: number, seconds: number, op: string): CollectiveJson =>
  ({ kind, axes, bytes, seconds, op, opId: 0, scope: 'layer_0', phase: 'forward' });

const CS = [c('all-reduce', ['model'], 4096, 2e-3, 'dot#1'), c('all-gather', ['batch'], 1 << 20, 5e-3, 'dot#2'), c('all-reduce', ['model'], 2048, 1e-3, 'dot#3')];

const opsInOrder = () => screen.getAllByTestId(/^collective-row-/).map((r) => r.querySelector('code')?.textContent);

afterEach(cleanup);

describe('CollectivesTable', () => {
  it('lists the slowest first and sums each kind and axes in the caption', () => {
    render(<CollectivesTable collectives={CS} />);
    expect(opsInOrder()).toEqual(['dot#2', 'dot#1', 'dot#3']);
    const caption = screen.getByTestId('collectives-table').querySelector('figcaption')?.textContent ?? '';
    expect(caption).toContain('3 collectives');
    expect(caption).toContain('all-reduce on model: 3.00 ms');
  });

  it('sorts by a clicked column, and reverses on a second click', () => {
    render(<CollectivesTable collectives={CS} />);
    fireEvent.click(screen.getByTestId('collectives-sort-bytes'));
    expect(opsInOrder()).toEqual(['dot#2', 'dot#1', 'dot#3']);
    fireEvent.click(screen.getByTestId('collectives-sort-bytes'));
    expect(opsInOrder()).toEqual(['dot#3', 'dot#1', 'dot#2']);
    fireEvent.click(screen.getByTestId('collectives-sort-op'));
    expect(opsInOrder()).toEqual(['dot#1', 'dot#2', 'dot#3']);
  });

  it('calls back with the clicked collective, caps the rows, and says when there are none', () => {
    const onSelectOp = vi.fn();
    const { unmount } = render(<CollectivesTable collectives={CS} onSelectOp={onSelectOp} maxRows={2} />);
    fireEvent.click(screen.getByTestId('collective-row-1'));
    expect(onSelectOp).toHaveBeenCalledWith(CS[0]);
    expect(screen.getByText('showing 2 of 3')).toBeTruthy();
    unmount();
    render(<CollectivesTable collectives={[]} />);
    expect(screen.getByTestId('collectives-table').textContent).toMatch(/No collectives/);
  });
});
