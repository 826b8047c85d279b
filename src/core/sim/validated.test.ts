import { describe, it, expect } from 'vitest';
import { ERROR_BANDS, MEMORY_ERROR_BAND } from './errorBands';
import { VALIDATION_PAGE, memoryValidationBand, validationBand } from './validated';
import { runPipeline } from '../pipeline';

describe('validated error band per chip family', () => {
  it('GPU presets carry the band of their family from the validation table', () => {
    for (const [preset, family] of [['a100-40gb', 'a100'], ['a100-80gb', 'a100'], ['h100', 'h100'], ['h200', 'h100']] as const) {
      const band = ERROR_BANDS[family];
      expect(band, family).toBeDefined();
      const v = validationBand(preset);
      expect(v.family).toBe(family);
      expect(v.runs).toBe(band!.runs);
      expect(v.text).toBe(`±${Math.ceil(band!.maxError * 100)}% on ${band!.runs} published ${family.toUpperCase()} runs (mean ${Math.round(band!.meanError * 1000) / 10}%)`);
      expect(v.table).toBe('README.md#validation');
      expect(v.page).toBe(VALIDATION_PAGE);
    }
  });

  it('peak memory carries the band of the published memory figures, whatever the chip', () => {
    const v = memoryValidationBand();
    expect(MEMORY_ERROR_BAND.runs).toBeGreaterThanOrEqual(10);
    expect(v.runs).toBe(MEMORY_ERROR_BAND.runs);
    expect(v.maxError).toBeGreaterThanOrEqual(v.meanError);
    expect(v.text).toBe(`±${Math.ceil(MEMORY_ERROR_BAND.maxError * 100)}% on ${MEMORY_ERROR_BAND.runs} published memory figures (mean ${Math.round(MEMORY_ERROR_BAND.meanError * 1000) / 10}%)`);
    expect(v.short).toBe(`±${Math.ceil(MEMORY_ERROR_BAND.maxError * 100)}% on ${MEMORY_ERROR_BAND.runs} published figures`);
    expect(v.page).toBe('validation.html');
  });

  it('a family with no validated runs says so instead of a band', () => {
    const v = validationBand('tpu-v5p');
    expect(v.runs).toBe(0);
    expect(v.maxError).toBeUndefined();
    expect(v.text).toBe('not yet validated against published TPU runs');
  });

  it('the Report carries the band with the step time', () => {
    const { report } = runPipeline({
      version: 1, model: { zoo: 'mlp' }, mesh: { axes: [{ name: 'batch', size: 2 }] }, hardware: { preset: 'h100' },
      tactics: 'BP = BatchParallel(axis="batch")\nschedule = [BP]',
    });
    expect(report.time.validation?.text).toBe(validationBand('h100').text);
    expect(JSON.parse(JSON.stringify(report)).time.validation.runs).toBeGreaterThan(0);
    expect(report.memory.validation?.text).toBe(memoryValidationBand().text);
  });
});
