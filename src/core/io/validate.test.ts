import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { UserError } from '../errors';
import { validateConfig } from './validate';

const good = {
  version: 1,
  model: { zoo: 'transformer', params: { layers: 2 } },
  mesh: { axes: [{ name: 'batch', size: 4 }, { name: 'model', size: 2 }] },
  hardware: { preset: 'tpu-v5p', links: { batch: 'ici', model: 'ici' } },
  tactics: 'schedule = []',
  options: { overlap: true },
};

function errorOf(json: unknown): UserError {
  try {
    validateConfig(json);
  } catch (e) {
    if (e instanceof UserError) return e;
    throw e;
  }
  throw new Error('accepted');
}

describe('validateConfig', () => {
  it('accepts a well-formed config and keeps every field', () => {
    expect(validateConfig(good)).toEqual(good);
  });

  it.each([
    [{ ...good, version: 2 }, 'version', /newer/],
    [{ ...good, version: undefined }, 'version', /missing/],
    [{ ...good, mesh: { axes: [{ name: 'batch', size: 0 }] } }, 'mesh.axes[0].size', /positive integer/],
    [{ ...good, mesh: { axes: [{ name: 'a', size: 2 }, { name: 'a', size: 2 }] } }, 'mesh.axes[1].name', /twice/],
    [{ ...good, hardware: { preset: 'tpu-v9' } }, 'hardware.preset', /unknown hardware preset/],
    [{ ...good, hardware: { preset: 'h100', links: { data: 'ici' } } }, 'hardware.links.data', /no mesh axis/],
    [{ ...good, hardware: { preset: 'h100', links: { batch: 'wifi' } } }, 'hardware.links.batch', /unknown link kind/],
    [{ ...good, model: { zoo: 3 } }, 'model.zoo', /must name a zoo model/],
    [{ ...good, tactics: 42 }, 'tactics', /string/],
    [{ ...good, extra: 1 }, 'extra', /unknown field/],
  ])('refuses %j at %s', (json, where, message) => {
    const e = errorOf(json);
    expect(e.where).toBe(where);
    expect(e.message).toMatch(message);
    expect(e.message.startsWith(`${where}:`)).toBe(true);
  });

  it('never throws anything but a UserError on arbitrary JSON', () => {
    fc.assert(
      fc.property(fc.jsonValue(), (v) => {
        try {
          validateConfig(v);
        } catch (e) {
          expect(e).toBeInstanceOf(UserError);
        }
      }),
      { numRuns: 300 },
    );
  });
});
