import { describe, it, expect } from 'vitest';
import fc from 'fast-check';
import { deflateSync, strToU8 } from 'fflate';
import { decodeComparison, decodeFragment, encodeComparison, encodeConfig, fromBase64Url, splitFragment, toBase64Url, URL_CODEC_PREFIX } from './url';
import { HARDWARE_PRESET_IDS, LINK_KINDS, type Config } from './config';

// JSON has no -0, NaN or Infinity; a Config never holds them, so neither do the generated ones.
const finite = fc.double({ noNaN: true, noDefaultInfinity: true }).map((x) => (Object.is(x, -0) ? 0 : x));
const name = fc.string({ minLength: 1, maxLength: 12 });

const configArb: fc.Arbitrary<Config> = fc.record(
  {
    version: fc.integer({ min: 0, max: 9 }),
    model: fc.oneof(
      fc.record(
        {
          zoo: name,
          params: fc.dictionary(name, fc.oneof(fc.integer(), finite, fc.string(), fc.boolean()), { maxKeys: 8 }),
        },
        { requiredKeys: ['zoo'] },
      ),
      fc.record({ stablehlo: fc.string({ maxLength: 400, unit: 'binary' }) }),
    ),
    mesh: fc.record({ axes: fc.array(fc.record({ name, size: fc.integer({ min: 1, max: 4096 }) }), { maxLength: 4 }) }),
    hardware: fc.record(
      {
        preset: fc.constantFrom(...HARDWARE_PRESET_IDS),
        links: fc.dictionary(name, fc.constantFrom(...LINK_KINDS), { maxKeys: 4 }),
        overrides: fc.dictionary(name, finite, { maxKeys: 4 }),
      },
      { requiredKeys: ['preset'] },
    ),
    // Unicode tactics text (comments in any language, astral-plane characters) must survive.
    tactics: fc.string({ maxLength: 600, unit: 'binary' }),
    options: fc.record({ overlap: fc.boolean() }, { requiredKeys: [] }),
  },
  { requiredKeys: ['version', 'model', 'mesh', 'hardware', 'tactics'] },
);

describe('base64url', () => {
  it('round-trips any bytes and uses only the URL-safe alphabet', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 300 }), (bytes) => {
        const s = toBase64Url(bytes);
        expect(s).toMatch(/^[A-Za-z0-9_-]*$/);
        expect(fromBase64Url(s)).toEqual(bytes);
      }),
    );
  });

  it('agrees with the standard base64 of Node for the same bytes', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 100 }), (bytes) => {
        const std = Buffer.from(bytes).toString('base64url');
        expect(toBase64Url(bytes)).toBe(std);
      }),
    );
  });
});

describe('encodeConfig / decodeFragment', () => {
  it('round-trips any config exactly, with or without the leading #', () => {
    fc.assert(
      fc.property(configArb, (config) => {
        const frag = encodeConfig(config);
        expect(frag.startsWith(URL_CODEC_PREFIX)).toBe(true);
        const a = decodeFragment(frag);
        const b = decodeFragment('#' + frag);
        expect(a).toEqual({ ok: true, config });
        expect(b).toEqual(a);
      }),
      { numRuns: 200 },
    );
  });

  it('is deterministic, so the same config always gives the same link', () => {
    fc.assert(fc.property(configArb, (config) => {
      expect(encodeConfig(config)).toBe(encodeConfig(structuredClone(config)));
    }), {
      numRuns: 50,
    });
  });

  it('compresses a repetitive tactic program well below its JSON size', () => {
    const tactics = Array.from({ length: 40 }, (_, i) => `T${i} = ManualPartition(inputs={"params/layer_${i}/mlp/w_in": 1}, axis="model")`).join('\n');
    const config: Config = {
      version: 1,
      model: { zoo: 'transformer', params: { layers: 40 } },
      mesh: { axes: [{ name: 'batch', size: 8 }] },
      hardware: { preset: 'tpu-v5p' },
      tactics,
    };
    expect(encodeConfig(config).length).toBeLessThan(JSON.stringify(config).length / 3);
  });

  it('never throws on random fragments, and reports why they fail', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 200, unit: 'binary' }), (s) => {
        const r = decodeFragment(s);
        if (!r.ok) expect(r.error.length).toBeGreaterThan(10);
      }),
      { numRuns: 500 },
    );
    fc.assert(
      fc.property(fc.string({ maxLength: 200 }), (s) => {
        const r = decodeFragment(URL_CODEC_PREFIX + s);
        expect(typeof r.ok).toBe('boolean');
      }),
      { numRuns: 500 },
    );
  });

  it('never throws on corrupted links: truncated, with a flipped or inserted character', () => {
    fc.assert(
      fc.property(configArb, fc.nat(), fc.nat(), fc.constantFrom('truncate', 'flip', 'insert'), (config, p, q, how) => {
        const frag = encodeConfig(config);
        const body = frag.slice(URL_CODEC_PREFIX.length);
        const i = p % Math.max(1, body.length);
        const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_%$ ';
        const c = alphabet[q % alphabet.length];
        const corrupted =
          how === 'truncate' ? body.slice(0, i) : how === 'flip' ? body.slice(0, i) + c + body.slice(i + 1) : body.slice(0, i) + c + body.slice(i);
        const r = decodeFragment(URL_CODEC_PREFIX + corrupted);
        // A corruption may by chance still decode; when it does not, the reason is given.
        if (!r.ok) expect(r.error).toMatch(/link/);
      }),
      { numRuns: 300 },
    );
  });

  it('names the problem for each kind of bad link', () => {
    expect(decodeFragment('')).toEqual({ ok: false, error: expect.stringMatching(/no configuration/) });
    expect(decodeFragment('#c9.AAAA')).toEqual({ ok: false, error: expect.stringMatching(/"c9".*expected "c1"/) });
    expect(decodeFragment('#s=abc')).toEqual({ ok: false, error: expect.stringMatching(/format/) });
    expect(decodeFragment('#c1.ab*d')).toEqual({ ok: false, error: expect.stringMatching(/"\*" at character 3/) });
    expect(decodeFragment('#c1.abcde')).toEqual({ ok: false, error: expect.stringMatching(/cut off/) });
    expect(decodeFragment('#c1.' + toBase64Url(strToU8('not deflate at all, honestly')))).toEqual({
      ok: false,
      error: expect.stringMatching(/does not decompress/),
    });
    expect(decodeFragment('#c1.' + toBase64Url(deflateSync(strToU8('{"version": 1,'))))).toEqual({
      ok: false,
      error: expect.stringMatching(/not valid JSON/),
    });
  });
});

describe('comparison links (A and B in one fragment)', () => {
  it('round-trips any pair of configs, and A alone', () => {
    fc.assert(
      fc.property(configArb, fc.option(configArb, { nil: null }), (a, b) => {
        const frag = encodeComparison(a, b);
        const r = decodeComparison(`#${frag}`);
        expect(r).toEqual({ ok: true, config: a, b });
      }),
      { numRuns: 60 },
    );
  });

  it('reads an old single-config link as A with no B, and a compare link as A for old-style readers of the head', () => {
    const a = arbitrarySample();
    const old = encodeConfig(a);
    expect(decodeComparison(old)).toEqual({ ok: true, config: a, b: null });
    const both = encodeComparison(a, { ...a, tactics: 'other' });
    // The part before `&` is exactly the single-config fragment of A.
    expect(splitFragment(both).a).toBe(old);
    expect(decodeFragment(splitFragment(both).a)).toEqual({ ok: true, config: a });
  });

  it('names the broken half of a compare link', () => {
    const a = arbitrarySample();
    const r = decodeComparison(`${encodeConfig(a)}&b=c1.@@`);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.error).toMatch(/^configuration B: .*"@"/);
    const r2 = decodeComparison(`c1.@@&b=${encodeConfig(a)}`);
    expect(r2.ok).toBe(false);
    if (!r2.ok) expect(r2.error).not.toMatch(/configuration B/);
  });

  it('ignores unknown parameters after A', () => {
    const a = arbitrarySample();
    expect(decodeComparison(`${encodeConfig(a)}&x=1`)).toEqual({ ok: true, config: a, b: null });
  });
});

function arbitrarySample(): Config {
  return fc.sample(configArb, { numRuns: 1, seed: 42 })[0];
}
