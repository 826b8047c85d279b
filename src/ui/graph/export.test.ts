import { describe, it, expect } from 'vitest';
import { exportFrame } from './export';

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
