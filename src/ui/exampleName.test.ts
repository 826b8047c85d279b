import { describe, expect, it } from 'vitest';
import { GALLERY } from '../core/models/gallery';
import { PIPELINE_GALLERY } from '../core/mpmd/gallery';
import { DEFAULT_CONFIG } from './defaultConfig';
import { exampleName, modelChoice } from './exampleName';

describe('exampleName', () => {
  it('names the gallery example a document is, and says when it was edited', () => {
    const t32 = GALLERY.find((g) => g.id === 't32-bp-mp-z3')!;
    expect(exampleName(structuredClone(t32.config))).toEqual({ title: t32.title, edited: false });
    expect(exampleName({ ...t32.config, tactics: 'schedule = []\n' })).toEqual({ title: 'T32', edited: true });
    expect(exampleName(DEFAULT_CONFIG)?.title).toMatch(/default/);
  });
  it('names the published pipelined runs of the Examples menu too', () => {
    const gpt3 = PIPELINE_GALLERY.find((g) => g.id === 'gpt3-175b-ptdp')!;
    expect(exampleName(structuredClone(gpt3.config))).toEqual({ title: gpt3.title, edited: false });
    expect(exampleName({ ...gpt3.config, mesh: { axes: [{ name: 'pp', size: 4 }, { name: 'tp', size: 8 }] } })).toEqual({ title: 'GPT-3 175B', edited: true });
  });
  it('knows nothing of a document built by hand', () => {
    expect(exampleName({ ...DEFAULT_CONFIG, model: { zoo: 'mlp', params: { layers: 3 } } })).toBeNull();
  });
  it('names the model by its zoo name or the module name', () => {
    expect(modelChoice(GALLERY[0].config)).toBe('t32');
    expect(modelChoice({ ...DEFAULT_CONFIG, model: { stablehlo: 'module @jit_step {\n}' } })).toBe('jit_step');
  });
});
