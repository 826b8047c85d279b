import { deflateSync, strToU8 } from 'fflate';
import { describe, expect, it } from 'vitest';
import type { Config } from './config';
import { readLink, safeDecodeURIComponent } from './link';
import { decodeFragment, encodeComparison, encodeConfig, inflateCapped, MAX_INFLATED_BYTES, toBase64Url, URL_CODEC_PREFIX } from './url';
import { GALLERY } from '../models/gallery';

const config: Config = {
  version: 1,
  model: { zoo: 'mlp', params: {} },
  mesh: { axes: [{ name: 'batch', size: 2 }] },
  hardware: { preset: 'tpu-v5p' },
  tactics: 'BP = BatchParallel(axis="batch")\nschedule = [BP]\n',
  options: {},
};
const other: Config = { ...config, tactics: '' };

/** A link whose JSON is `bytes` long: a string of spaces, which DEFLATE shrinks ~1000×. */
function bomb(bytes: number): string {
  const json = `{"version":1,"tactics":"${' '.repeat(bytes)}"}`;
  return URL_CODEC_PREFIX + toBase64Url(deflateSync(strToU8(json), { level: 9 }));
}

describe('DEFLATE bombs', () => {
  it('a link that inflates past the cap is refused as too large, not as damaged', () => {
    const link = bomb(64 * 1024 * 1024);
    expect(link.length).toBeLessThan(100_000);
    const r = decodeFragment(link);
    expect(r).toEqual({ ok: false, error: expect.stringMatching(/^this link expands past the limit of 8 MiB/) });
  });

  it('inflateCapped stops at the cap and still inflates what fits', () => {
    const data = deflateSync(new Uint8Array(3 * MAX_INFLATED_BYTES));
    expect(inflateCapped(data)).toEqual({ ok: false, reason: 'too-large' });
    const small = inflateCapped(deflateSync(strToU8('hello'.repeat(1000))));
    expect(small.ok && small.bytes.length).toBe(5000);
    expect(inflateCapped(deflateSync(strToU8('x'.repeat(5000))).subarray(0, 4))).toEqual({ ok: false, reason: 'damaged' });
  });

  it('a config just under the cap still opens', () => {
    const r = decodeFragment(encodeConfig({ ...config, tactics: `# ${'x'.repeat(MAX_INFLATED_BYTES - 1000)}\n` }));
    expect(r.ok).toBe(true);
  });
});

describe('readLink: the grammar the app and the CLI share', () => {
  it('reads a single link, a compare link and a gallery link, as fragment, #fragment or whole URL', () => {
    const one = encodeConfig(config);
    for (const input of [one, `#${one}`, `https://example.org/partir/?x=1#${one}`]) {
      expect(readLink(input)).toEqual({ ok: true, kind: 'config', config, b: null });
    }
    expect(readLink(`#${encodeComparison(config, other)}`)).toEqual({ ok: true, kind: 'compare', config, b: other });
    const g = GALLERY[0];
    expect(readLink(`http://localhost:5173/#example=${encodeURIComponent(g.id)}`)).toEqual({ ok: true, kind: 'example', config: g.config, b: null });
  });

  it('a malformed percent-escape in #example= is a message, not a throw', () => {
    expect(safeDecodeURIComponent('%E0%A4%A')).toBeNull();
    const r = readLink('#example=%E0%A4%A');
    expect(r).toEqual({ ok: false, error: expect.stringMatching(/example name "%E0%A4%A" .*not valid percent-encoding/) });
  });

  it('an unknown or absurdly long example name is named or refused without echoing it whole', () => {
    expect(readLink('#example=nope')).toEqual({ ok: false, error: 'no gallery example "nope"' });
    const r = readLink(`#example=${'a'.repeat(100_000)}`);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.error.length).toBeLessThan(200);
  });

  it('says which half of a compare link is broken', () => {
    const r = readLink(`#${encodeConfig(config)}&b=c1.@@`);
    expect(r).toEqual({ ok: false, error: expect.stringMatching(/^configuration B: .*"@"/) });
  });
});
