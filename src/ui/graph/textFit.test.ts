import { describe, it, expect } from 'vitest';
import { BADGE_FONT, EDGE_LABEL_FONT, fitText, textWidth } from './textFit';

describe('textWidth and fitText', () => {
  it('measures longer text as wider', () => {
    expect(textWidth('AG×24 batch', BADGE_FONT)).toBeGreaterThan(textWidth('AG batch', BADGE_FONT));
  });
  it('keeps text that fits and clips what does not, with an ellipsis, under the width', () => {
    const text = 'bf16[32000@batch, 4096] {partial: model}';
    expect(fitText(text, textWidth(text, EDGE_LABEL_FONT), EDGE_LABEL_FONT)).toBe(text);
    const fitted = fitText(text, 60, EDGE_LABEL_FONT);
    expect(fitted.endsWith('…')).toBe(true);
    expect(text.startsWith(fitted.slice(0, -1))).toBe(true);
    expect(textWidth(fitted, EDGE_LABEL_FONT)).toBeLessThanOrEqual(60);
  });
  it('keeps at least one character', () => {
    expect(fitText('all-reduce', 1, BADGE_FONT)).toBe('a…');
  });
});
