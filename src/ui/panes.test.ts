import { describe, expect, it } from 'vitest';
import { clampPane, defaultPanes, parsePanes, PANE_LIMITS } from './panes';

describe('pane layout', () => {
  it('gives the charts less height on a short window', () => {
    expect(defaultPanes(720).charts).toBeLessThan(defaultPanes(1000).charts);
    expect(defaultPanes(1000).charts).toBe(280);
  });
  it('reads a stored layout field by field, clamping sizes and dropping bad values', () => {
    const p = parsePanes(JSON.stringify({ left: 5, right: 9999, charts: 250, chartsCollapsed: true, leftCollapsed: 'yes', chartsDock: 'right' }), 900);
    expect(p.left).toBe(PANE_LIMITS.left[0]);
    expect(p.right).toBe(PANE_LIMITS.right[1]);
    expect(p.charts).toBe(250);
    expect(p.chartsCollapsed).toBe(true);
    expect(p.leftCollapsed).toBe(false);
    expect(p.chartsDock).toBe('right');
  });
  it('falls back to the defaults on text that is not a layout', () => {
    expect(parsePanes('{not json', 900)).toEqual(defaultPanes(900));
    expect(parsePanes('[1,2]', 900).left).toBe(270);
    expect(parsePanes(JSON.stringify({ chartsDock: 'top' }), 900).chartsDock).toBe('below');
  });
  it('clamps to the limits', () => {
    expect(clampPane('charts', 50)).toBe(PANE_LIMITS.charts[0]);
    expect(clampPane('charts', 333.4)).toBe(333);
  });
});
