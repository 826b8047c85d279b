import { describe, it, expect } from 'vitest';
import { encodeComparison, encodeConfig } from '../core/io/url';
import { configFromFragment, resolveStartup } from './urlSync';
import { DEFAULT_CONFIG } from './defaultConfig';

const other = { ...DEFAULT_CONFIG, tactics: 'BP = BatchParallel(axis="batch")\nschedule = [BP]\n' };

describe('resolveStartup', () => {
  it('opens a good link as is', () => {
    const r = resolveStartup('#' + encodeConfig(other), JSON.stringify(DEFAULT_CONFIG));
    expect(r).toEqual({ doc: other, source: 'link', banner: null });
  });

  it('falls back to the saved document with a banner when the link is corrupt', () => {
    const r = resolveStartup('#c1.@@@', JSON.stringify(other));
    expect(r.source).toBe('saved');
    expect(r.doc).toEqual(other);
    expect(r.banner).toMatch(/Could not open the shared link.*"@".*last document/);
  });

  it('falls back to the default when there is neither a good link nor saved work', () => {
    const r = resolveStartup('#zz', null);
    expect(r.source).toBe('default');
    expect(r.doc).toBe(DEFAULT_CONFIG);
    expect(r.banner).toMatch(/format "zz…"|format "zz"/);
    expect(resolveStartup('', null)).toEqual({ doc: DEFAULT_CONFIG, source: 'default', banner: null });
  });

  it('refuses a link whose config is invalid, naming the field', () => {
    const bad = encodeConfig({ ...DEFAULT_CONFIG, mesh: { axes: [{ name: 'batch', size: 0 }] } });
    const r = configFromFragment(bad);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.error).toMatch(/mesh\.axes\[0\]\.size/);
  });

  it('opens the default, with a banner saying why, when saved work no longer validates', () => {
    const newer = resolveStartup('', '{"version": 99}');
    expect(newer.source).toBe('default');
    expect(newer.banner).toMatch(/^Your last document, kept in this browser, could not be read back \(.*version 99.*\)\. Showing the default example instead\.$/);
    expect(resolveStartup('', 'not json').source).toBe('default');
  });

  it('opens a compare link with both A and B, and an old single-config link with no B', () => {
    const r = resolveStartup('#' + encodeComparison(DEFAULT_CONFIG, other), null);
    expect(r).toEqual({ doc: DEFAULT_CONFIG, docB: other, source: 'link', banner: null });
    const old = resolveStartup('#' + encodeConfig(other), null);
    expect(old.docB).toBeUndefined();
    expect(old.doc).toEqual(other);
  });

  it('refuses a compare link whose B is invalid, saying it is B', () => {
    const badB = encodeComparison(DEFAULT_CONFIG, { ...other, mesh: { axes: [{ name: 'batch', size: 0 }] } });
    const r = configFromFragment(badB);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.error).toMatch(/configuration B is not valid.*mesh\.axes\[0\]\.size/);
  });
});

describe('gallery links', () => {
  it('#example=<id> opens that gallery entry, and an unknown id is named', async () => {
    const { GALLERY } = await import('../core/models/gallery');
    const entry = GALLERY[GALLERY.length - 1];
    expect(resolveStartup(`#example=${entry.id}`, null)).toEqual({ doc: entry.config, source: 'link', banner: null });
    const r = resolveStartup('#example=nope', null);
    expect(r.source).toBe('default');
    expect(r.banner).toMatch(/no gallery example "nope"/);
  });
});

describe('hostile links at startup', () => {
  it('#example= with a malformed percent-escape opens the default with a banner, no throw', () => {
    const r = resolveStartup('#example=%E0%A4%A', null);
    expect(r.source).toBe('default');
    expect(r.banner).toMatch(/Could not open the shared link: the example name "%E0%A4%A" in the link is not valid percent-encoding.*default example/);
  });

  it('a DEFLATE bomb falls back to the saved document, saying the link expands past the limit', async () => {
    const { deflateSync, strToU8 } = await import('fflate');
    const { toBase64Url } = await import('../core/io/url');
    const bomb = `#c1.${toBase64Url(deflateSync(strToU8(`{"version":1,"tactics":"${' '.repeat(20 * 1024 * 1024)}"}`), { level: 9 }))}`;
    const r = resolveStartup(bomb, JSON.stringify(other));
    expect(r.source).toBe('saved');
    expect(r.banner).toMatch(/this link expands past the limit.*last document/);
  });

  it('the IndexedDB marker is not a document', async () => {
    const { IN_INDEXEDDB } = await import('./storage');
    expect(resolveStartup('', IN_INDEXEDDB).source).toBe('default');
  });
});

describe('documents too large for a link', () => {
  it('fragmentFor gives null past the inflate cap, and a fragment below it', async () => {
    const { fragmentFor } = await import('./urlSync');
    const big = { ...DEFAULT_CONFIG, tactics: `# ${'x'.repeat(9 * 1024 * 1024)}\n` };
    expect(fragmentFor(big, null)).toBeNull();
    expect(fragmentFor(DEFAULT_CONFIG, null)).toMatch(/^c1\./);
  });
});
