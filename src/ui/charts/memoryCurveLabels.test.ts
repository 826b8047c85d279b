import { describe, expect, it } from 'vitest';
import { capacityLabelY } from './MemoryCurve';

describe('capacityLabelY', () => {
  it('keeps the label above its line when the peak label is elsewhere', () => {
    expect(capacityLabelY(100, 40)).toBe(96);
  });
  it('never lands on the peak label row, whichever side of the line the peak is', () => {
    for (let peakLabel = 60; peakLabel <= 140; peakLabel += 1) {
      const at = capacityLabelY(100, peakLabel);
      expect(Math.abs(at - peakLabel), `peak label at ${peakLabel}`).toBeGreaterThanOrEqual(12);
    }
  });
});
