import { describe, it, expect } from 'vitest';
import { validateConfig } from '../core/io/validate';
import { DEFAULT_CONFIG } from './defaultConfig';
import { addAxis, removeAxis, renameAxis, setAxisSize, setModelParam, setPreset, deviceCountOf, linkKindsFor } from './docEdits';

describe('document edits', () => {
  it('renaming an axis carries its link along and keeps the config valid', () => {
    const d = renameAxis(DEFAULT_CONFIG, 1, 'tensor');
    expect(d.mesh.axes.map((a) => a.name)).toEqual(['batch', 'tensor']);
    expect(d.hardware.links).toEqual({ batch: 'ici', tensor: 'ici' });
    expect(() => validateConfig(d)).not.toThrow();
  });

  it('adding then removing an axis gives back the same mesh and links', () => {
    const added = addAxis(DEFAULT_CONFIG);
    expect(added.mesh.axes).toHaveLength(3);
    expect(new Set(added.mesh.axes.map((a) => a.name)).size).toBe(3);
    expect(deviceCountOf(added)).toBe(16);
    const back = removeAxis(added, 2);
    expect(back.mesh).toEqual(DEFAULT_CONFIG.mesh);
    expect(back.hardware.links).toEqual(DEFAULT_CONFIG.hardware.links);
  });

  it('switching to a GPU preset maps ICI links to NVLink, and back', () => {
    const gpu = setPreset(DEFAULT_CONFIG, 'h100');
    expect(Object.values(gpu.hardware.links ?? {})).toEqual(['nvlink', 'nvlink']);
    for (const k of Object.values(gpu.hardware.links ?? {})) expect(linkKindsFor('h100')).toContain(k);
    const tpu = setPreset(gpu, 'tpu-v4');
    expect(tpu.hardware.links).toEqual({ batch: 'ici', model: 'ici' });
  });

  it('edits never mutate the document they start from', () => {
    const before = JSON.stringify(DEFAULT_CONFIG);
    setAxisSize(DEFAULT_CONFIG, 0, 8);
    setModelParam(DEFAULT_CONFIG, 'layers', 12);
    renameAxis(DEFAULT_CONFIG, 0, 'data');
    expect(JSON.stringify(DEFAULT_CONFIG)).toBe(before);
  });
});
