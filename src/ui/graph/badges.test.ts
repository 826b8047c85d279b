import { describe, it, expect } from 'vitest';
import type { CollectiveMark } from '../../worker/layout';
import { MORE_W, badgeRow, badgeText, badgesWidth } from './badges';

const mark = (kind: CollectiveMark['kind'], count: number, ...axes: string[]): CollectiveMark => ({ kind, axes, bytes: 10, count });

describe('badgeText', () => {
  it('abbreviates the kind and names the axes, with a count when aggregated', () => {
    expect(badgeText(mark('all-reduce', 1, 'model'))).toBe('AR model');
    expect(badgeText(mark('all-gather', 3, 'batch', 'model'))).toBe('AG×3 batch+model');
  });
});

describe('badgeRow', () => {
  const marks = [mark('all-gather', 24, 'batch'), mark('reduce-scatter', 128, 'batch'), mark('all-reduce', 160, 'batch', 'model')];

  it('shows every pill when the row has room, side by side without overlap', () => {
    const row = badgeRow(marks, badgesWidth(marks));
    expect(row.shown.map((b) => b.mark)).toEqual(marks);
    expect(row.hidden).toEqual([]);
    for (let i = 1; i < row.shown.length; i++) expect(row.shown[i].x).toBeGreaterThanOrEqual(row.shown[i - 1].x + row.shown[i - 1].width);
    expect(row.width).toBeCloseTo(badgesWidth(marks));
  });

  it('stands a +N pill for what does not fit, and stays inside the width', () => {
    const max = badgesWidth(marks.slice(0, 1)) + 3 + MORE_W + 5;
    const row = badgeRow(marks, max);
    expect(row.shown.length).toBe(1);
    expect(row.hidden).toEqual(marks.slice(1));
    expect(row.width).toBeLessThanOrEqual(max);
  });

  it('clips a single pill too wide for the row', () => {
    const row = badgeRow([mark('all-reduce', 160, 'batch', 'model')], 40);
    expect(row.width).toBeLessThanOrEqual(40);
    expect(row.shown[0].text.endsWith('…')).toBe(true);
  });
});
