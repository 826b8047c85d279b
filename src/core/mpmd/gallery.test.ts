/**
 * The pipelined gallery entries: valid configs that survive the share URL, open by id, resolve without
 * errors at full size, and — shrunk to interpretable shapes on a mesh of 2s — compute what the step computes.
 */
import { describe, expect, it } from 'vitest';
import { decodeFragment, encodeConfig } from '../io/url';
import { validateConfig } from '../io/validate';
import { galleryEntry } from '../models/gallery';
import { buildZooModel } from '../models/zoo';
import { resolveTactics } from '../tactics/resolve';
import { PIPELINE_GALLERY } from './gallery';
import { verifyPipelineConfig } from './verifyConfig';
import type { Config } from '../io/config';

const SMALL: Record<string, Record<string, number | string>> = {
  transformer: { layers: 6, dModel: 16, heads: 4, dFF: 32, seq: 8, vocab: 32, batch: 8, precision: 'fp32' },
  llama: { layers: 4, dModel: 16, heads: 4, kvHeads: 2, dFF: 24, seq: 8, vocab: 32, batch: 8, precision: 'fp32' },
};

describe('pipelined gallery entries', () => {
  it.each(PIPELINE_GALLERY.map((g) => [g.id, g] as const))('%s is a valid config, opens by id and resolves at full size', (id, g) => {
    expect(galleryEntry(id)).toBe(g);
    expect(validateConfig(g.config)).toEqual(g.config);
    const back = decodeFragment(encodeConfig(g.config));
    expect(back.ok && validateConfig(back.config)).toEqual(g.config);
    if (!('zoo' in g.config.model)) throw new Error('zoo models only');
    const program = buildZooModel(g.config.model.zoo, g.config.model.params);
    const r = resolveTactics(g.config.tactics, program, { axes: g.config.mesh.axes });
    expect(r.diagnostics.filter((d) => d.severity === 'error').map((d) => d.message)).toEqual([]);
    expect(r.split?.pipeline?.stages).toBe(g.config.mesh.axes.find((a) => a.name === 'pp')?.size);
  }, 60_000);

  it.each(PIPELINE_GALLERY.map((g) => [g.id, g] as const))('%s, shrunk, computes what the step computes', (_, g) => {
    if (!('zoo' in g.config.model)) throw new Error('zoo models only');
    const small: Config = {
      ...g.config,
      model: { zoo: g.config.model.zoo, params: { ...g.config.model.params, ...SMALL[g.config.model.zoo] } },
      mesh: { axes: g.config.mesh.axes.map((a) => ({ ...a, size: 2 })) },
      tactics: g.config.tactics.replace(/microbatches=\d+/, 'microbatches=2').replace(/, layers_per_stage=\[[^\]]*\]/, ''),
    };
    const r = verifyPipelineConfig(small);
    expect(r.ok, r.worst).toBe(true);
  }, 60_000);
});
