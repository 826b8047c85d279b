import { describe, it, expect } from 'vitest';
import { exportFrame } from './export';
import { collectiveBadgeText } from './GraphCanvas';

describe('exportFrame', () => {
  it('keeps the requested scale for a small graph, with a margin', () => {
    const f = exportFrame(1000, 500, 2);
    expect(f.scale).toBe(2);
    expect(f.width).toBeGreaterThan(2000);
    expect(f.height).toBeGreaterThan(1000);
  });
  it('scales a huge graph down under the browser canvas limit', () => {
    const f = exportFrame(3000, 200_000, 2);
    expect(f.scale).toBeLessThan(2);
    expect(Math.max(f.width, f.height)).toBeLessThanOrEqual(8192);
  });
});

describe('collectiveBadgeText', () => {
  it('abbreviates the kind and names the axes, with a count when aggregated', () => {
    expect(collectiveBadgeText({ kind: 'all-reduce', axes: ['model'], bytes: 10, count: 1 })).toBe('AR model');
    expect(collectiveBadgeText({ kind: 'all-gather', axes: ['batch', 'model'], bytes: 10, count: 3 })).toBe('AG×3 batch+model');
  });
});
