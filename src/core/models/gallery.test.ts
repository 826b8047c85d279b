/**
 * Every gallery entry (model × strategy), shrunk to interpretable shapes on a 2×2 mesh with the
 * same axis names, computes exactly what the unpartitioned step computes (the SPMD interpreter);
 * at full size its tactics resolve without errors on its own mesh.
 */
import { describe, expect, it } from 'vitest';
import { decodeFragment, encodeConfig } from '../io/url';
import { validateConfig } from '../io/validate';
import { resolveTactics } from '../tactics';
import { GALLERY, galleryEntry, strategyText } from './gallery';
import { prove, SMALL_PARAMS, smallMesh, zooOf } from './galleryHarness';
import { buildZooModel } from './zoo';

describe('gallery', () => {
  it('has unique ids, one config per (model, strategy), and covers every family of the paper', () => {
    const ids = GALLERY.map((g) => g.id);
    expect(new Set(ids).size).toBe(ids.length);
    const zoos = new Set(GALLERY.map((g) => zooOf(g.config)));
    for (const z of ['t32', 't48', 'transformer-decode', 'llama', 'moe', 'unet', 'gns']) expect(zoos, z).toContain(z);
    for (const g of GALLERY) expect(galleryEntry(g.id)).toBe(g);
  });

  it('configs are valid and survive the share-URL round trip', () => {
    for (const g of GALLERY) {
      expect(validateConfig(g.config)).toEqual(g.config);
      const back = decodeFragment(encodeConfig(g.config));
      expect(back.ok && validateConfig(back.config)).toEqual(g.config);
    }
  });

  it('writes schedules as tactic text', () => {
    expect(strategyText(['BP', 'MP'])).toBe('BP = ManualPartition(inputs={"batch/*": 0}, axis="batch")\nMP = Megatron(axis="model")\nschedule = [BP, MP]\n');
    expect(strategyText(['EMB'], { EMB: 'EMB = X()' })).toBe('EMB = X()\nschedule = [EMB]\n');
    expect(() => strategyText(['NOPE'])).toThrow(/NOPE/);
  });

  // Full widths (what decides divisibility) with few layers, so that building stays fast.
  const shallow: Record<string, Record<string, number>> = {
    t32: { layers: 2 }, t48: { layers: 2 }, 'transformer-decode': { layers: 2 }, llama: { layers: 2 }, moe: { layers: 2 },
    unet: {}, gns: { steps: 1 },
  };
  it.each(GALLERY.map((g) => [g.id, g] as const))('%s resolves on its own mesh without errors', (_, g) => {
    const zoo = zooOf(g.config);
    const params = 'zoo' in g.config.model ? g.config.model.params : {};
    const program = buildZooModel(zoo, { ...params, ...shallow[zoo] });
    const r = resolveTactics(g.config.tactics, program, { axes: g.config.mesh.axes });
    expect(r.diagnostics.filter((d) => d.severity === 'error').map((d) => d.message)).toEqual([]);
    expect(r.tactics.length).toBeGreaterThanOrEqual(g.config.tactics.split('\n').filter((l) => l.includes('(')).length);
  });
});

describe('gallery entries verify on a 2×2 mesh', () => {
  it.each(GALLERY.map((g) => [g.id, g] as const))('%s', (_, g) => {
    const zoo = zooOf(g.config);
    expect(SMALL_PARAMS[zoo], zoo).toBeDefined();
    const p = prove(zoo, g.config.tactics, smallMesh(g.config));
    expect(p.diagnostics).toEqual([]);
    expect(p.verify.ok, p.verify.worst).toBe(true);
    // Every strategy here splits something: a step with no collective at all would mean nothing was
    // sharded, except data-parallel decoding, which needs none (the paper's Table 3: IT32 BP 0/0/0/0).
    if (g.id === 'it32-bp') expect(p.collectives).toEqual([]);
    else expect(p.collectives.length).toBeGreaterThan(0);
  });
});
