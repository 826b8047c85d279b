import { cleanup, fireEvent, render, screen } from '@testing-library/react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { Report, TimelineInterval } from '../../core/report';
import { Timeline } from './Timeline';

// The layout Timeline draws with (its constants): labels 84 px wide, a 600 px canvas when the host has
// no width (happy-dom lays nothing out), an 18 px time axis, then per device a 12 px compute lane
// above a 12 px communication lane.
const LABEL_W = 84, WIDTH = 600, AXIS_H = 18, LANE_H = 12;
const xOf = (t: number, end: number) => LABEL_W + (t / end) * (WIDTH - 8 - LABEL_W);

const compute: TimelineInterval = { kind: 'compute', start: 0, end: 1e-3, op: 'dot_general#3', scope: 'layer_0/mlp' };
const comm: TimelineInterval = { kind: 'communication', start: 1e-3, end: 2e-3, op: 'all_reduce#3', scope: 'layer_0/mlp', collective: 'all-reduce', axes: ['model'] };
const device = (d: number) => ({ device: d, intervals: [compute, comm] });
const timeline = (n: number): Report['timeline'] => Array.from({ length: n }, (_, d) => device(d));

afterEach(cleanup);

describe('Timeline', () => {
  it('maps a click on a lane to the interval there and its device', () => {
    const onSelect = vi.fn();
    render(<Timeline timeline={timeline(2)} onSelectInterval={onSelect} />);
    const canvas = screen.getByTestId('timeline-canvas');
    fireEvent.click(canvas, { clientX: xOf(0.5e-3, 2e-3), clientY: AXIS_H + 4 });
    expect(onSelect).toHaveBeenLastCalledWith(compute, 0);
    const secondRow = AXIS_H + 2 * LANE_H + 6;
    fireEvent.click(canvas, { clientX: xOf(1.5e-3, 2e-3), clientY: secondRow + LANE_H + 4 });
    expect(onSelect).toHaveBeenLastCalledWith(comm, 1);
    // the label column and the gap between devices select nothing
    fireEvent.click(canvas, { clientX: LABEL_W - 10, clientY: AXIS_H + 4 });
    fireEvent.click(canvas, { clientX: xOf(0.5e-3, 2e-3), clientY: AXIS_H + 2 * LANE_H + 2 });
    expect(onSelect).toHaveBeenCalledTimes(2);
  });

  it('shows the hovered collective with its axes and the op it serves', () => {
    render(<Timeline timeline={timeline(1)} />);
    fireEvent.mouseMove(screen.getByTestId('timeline-canvas'), { clientX: xOf(1.5e-3, 2e-3), clientY: AXIS_H + LANE_H + 4 });
    const tip = screen.getByTestId('timeline-tooltip').textContent ?? '';
    expect(tip).toContain('all-reduce over model');
    expect(tip).toContain('serves op #3');
    fireEvent.mouseLeave(screen.getByTestId('timeline-canvas'));
    expect(screen.queryByTestId('timeline-tooltip')).toBeNull();
  });

  it('draws at most maxDevices rows and says how many it left out', () => {
    render(<Timeline timeline={timeline(5)} maxDevices={3} />);
    expect(screen.getByText('showing 3 of 5 devices')).toBeTruthy();
  });
});
