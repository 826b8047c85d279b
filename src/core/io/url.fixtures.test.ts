import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { decodeComparison, decodeFragment, URL_CODEC_PREFIX } from './url';
import { validateConfig } from './validate';

/**
 * Links people have shared must keep opening. These were made by the released codec versions and are
 * checked in as text: a change to the codec, the config schema or validation that breaks one fails here.
 */
interface Fixture {
  name: string;
  what: string;
  fragment: string;
  config: unknown;
  b?: unknown;
}
const fixtures = JSON.parse(readFileSync(new URL('./__fixtures__/share-links.json', import.meta.url), 'utf8')) as { codec: string; links: Fixture[] };

describe('frozen share links', () => {
  it('cover every released codec version and both link forms', () => {
    expect(`${fixtures.codec}.`).toBe(URL_CODEC_PREFIX);
    expect(fixtures.links.every((l) => l.fragment.startsWith(URL_CODEC_PREFIX))).toBe(true);
    expect(fixtures.links.some((l) => l.b !== undefined)).toBe(true);
    expect(fixtures.links.some((l) => l.b === undefined)).toBe(true);
  });

  for (const link of fixtures.links) {
    it(`${link.name}: ${link.what}`, () => {
      const r = decodeComparison(`#${link.fragment}`);
      if (!r.ok) throw new Error(r.error);
      expect(r.config).toEqual(link.config);
      expect(r.b).toEqual(link.b ?? null);
      // still a valid config for this version, read as it was written (validation may only add defaults)
      expect(validateConfig(r.config)).toMatchObject(link.config as object);
      if (link.b !== undefined) expect(validateConfig(r.b)).toMatchObject(link.b as object);
      // the A half alone is an ordinary single-config link
      const a = decodeFragment(link.fragment.split('&')[0]);
      expect(a.ok && a.config).toEqual(link.config);
    });
  }
});
