import { describe, expect, it } from 'vitest';
import { STAGE_COLORS, stageColor, stageStripes, stagesLabel } from './colors';

describe('pipeline stage colours', () => {
  it('gives each stage of a pipeline up to the palette size its own colour, then repeats in order', () => {
    const eight = Array.from({ length: 8 }, (_, s) => stageColor(s));
    expect(new Set(eight).size).toBe(8);
    expect(STAGE_COLORS).toBeGreaterThanOrEqual(8);
    expect(stageColor(STAGE_COLORS)).toBe(stageColor(0));
    expect(stageColor(STAGE_COLORS + 3)).toBe(stageColor(3));
  });

  it('draws one segment per stage of a node, in stage order, filling its height', () => {
    const s = stageStripes([1, 3], 40);
    expect(s.map((x) => x.stage)).toEqual([1, 3]);
    expect(s.map((x) => x.color)).toEqual([stageColor(1), stageColor(3)]);
    expect(s.map((x) => [x.y, x.height])).toEqual([[0, 20], [20, 20]]);
  });

  it('draws nothing for a node every stage shares, or a step without a pipeline', () => {
    expect(stageStripes([], 36)).toEqual([]);
    expect(stageStripes(undefined, 36)).toEqual([]);
  });

  it('names the stages of a node in its tooltip', () => {
    expect(stagesLabel([3])).toBe('pipeline stage 3');
    expect(stagesLabel([0, 2, 5])).toBe('pipeline stages 0, 2, 5');
    expect(stagesLabel([])).toBe('');
  });
});
