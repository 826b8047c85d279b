import { describe, it, expect } from 'vitest';
import { HARDWARE_PRESET_IDS } from '../io/config';
import { UserError } from '../errors';
import { HARDWARE_PRESETS, axisLink, resolveHardware } from './hardware';

const GB = 1e9;

describe('hardware presets', () => {
  it('exist for every preset id of the Config', () => {
    for (const id of HARDWARE_PRESET_IDS) expect(HARDWARE_PRESETS[id].id).toBe(id);
  });

  it('carry the documented peak bf16 FLOP/s, HBM capacity and bandwidth (docs/cost-model.md)', () => {
    const table: [string, number, number, number][] = [
      ['tpu-v3', 123e12, 16 * 2 ** 30, 450 * GB], // per TensorCore, as the PartIR paper ran it
      ['tpu-v4', 275e12, 32 * 2 ** 30, 1200 * GB],
      ['tpu-v5e', 197e12, 16 * GB, 819 * GB],
      ['tpu-v5p', 459e12, 95 * GB, 2765 * GB],
      ['tpu-v6e', 918e12, 32 * GB, 1638 * GB],
      ['a100-40gb', 312e12, 40 * GB, 1555 * GB],
      ['a100-80gb', 312e12, 80 * GB, 2039 * GB],
      ['h100', 989e12, 80 * GB, 3350 * GB],
      ['h200', 989e12, 141 * GB, 4800 * GB],
    ];
    for (const [id, flops, hbm, bw] of table) {
      const f = HARDWARE_PRESETS[id as keyof typeof HARDWARE_PRESETS].figures;
      expect(f.peakFlopsBf16, id).toBeCloseTo(flops, -6);
      expect(f.hbmBytes, id).toBe(hbm);
      expect(f.hbmBandwidth, id).toBeCloseTo(bw, -3);
      expect(f.peakFlopsFp32, id).toBeLessThan(f.peakFlopsBf16);
    }
  });

  it('carry the documented link bandwidths: ICI per link one-way, NVLink egress, IB per GPU', () => {
    expect(HARDWARE_PRESETS['tpu-v3'].figures.iciBandwidth).toBe(70 * GB);
    expect(HARDWARE_PRESETS['tpu-v3'].figures.peakFlopsFp32).toBe(61.5e12);
    expect(HARDWARE_PRESETS['tpu-v4'].figures.iciBandwidth).toBe(4.5e10);
    expect(HARDWARE_PRESETS['tpu-v5e'].figures.iciBandwidth).toBe(4.5e10);
    expect(HARDWARE_PRESETS['tpu-v5p'].figures.iciBandwidth).toBe(9e10);
    expect(HARDWARE_PRESETS['tpu-v6e'].figures.iciBandwidth).toBe(9e10);
    expect(HARDWARE_PRESETS['a100-80gb'].figures.nvlinkBandwidth).toBe(300 * GB);
    expect(HARDWARE_PRESETS.h100.figures.nvlinkBandwidth).toBe(450 * GB);
    expect(HARDWARE_PRESETS['a100-40gb'].figures.ibBandwidth).toBe(25 * GB);
    expect(HARDWARE_PRESETS.h100.figures.ibBandwidth).toBe(50 * GB);
    expect(HARDWARE_PRESETS.h100.figures.peakFlopsFp32).toBeCloseTo(494.7e12, -9);
    expect(HARDWARE_PRESETS['a100-80gb'].figures.peakFlopsFp32).toBe(156e12);
  });

  it('name a source for every vendor figure', () => {
    for (const p of Object.values(HARDWARE_PRESETS)) {
      for (const field of ['peakFlopsBf16', 'peakFlopsFp32', 'hbmBytes', 'hbmBandwidth'] as const) expect(p.sources[field], `${p.id}.${field}`).toMatch(/\S/);
      expect(p.sources[p.family === 'tpu' ? 'iciBandwidth' : 'nvlinkBandwidth'], p.id).toMatch(/\S/);
    }
  });

  it('describe the ICI topology: 2D tori for v3/v5e/v6e, 3D for v4/v5p, NVSwitch for GPUs', () => {
    expect(['tpu-v3', 'tpu-v5e', 'tpu-v6e'].map((id) => HARDWARE_PRESETS[id as 'tpu-v3'].topology)).toEqual(['torus-2d', 'torus-2d', 'torus-2d']);
    expect(HARDWARE_PRESETS['tpu-v4'].topology).toBe('torus-3d');
    expect(HARDWARE_PRESETS['tpu-v5p'].topology).toBe('torus-3d');
    expect(HARDWARE_PRESETS.h100.topology).toBe('nvswitch');
  });
});

describe('resolveHardware', () => {
  it('maps every TPU axis to ICI, a ring when the axis wraps around and a line otherwise', () => {
    const hw = resolveHardware({ preset: 'tpu-v5p' }, { axes: [{ name: 'batch', size: 8 }, { name: 'model', size: 2 }] });
    const eff = hw.figures.iciEfficiency;
    expect(axisLink(hw, 'batch')).toMatchObject({ kind: 'ici', topology: 'ring' });
    expect(axisLink(hw, 'batch').bandwidth).toBeCloseTo(2 * 9e10 * eff);
    expect(axisLink(hw, 'model')).toMatchObject({ kind: 'ici', topology: 'line' });
    expect(axisLink(hw, 'model').bandwidth).toBeCloseTo(9e10 * eff);
    // v5e wraps only axes of length 16.
    const e = resolveHardware({ preset: 'tpu-v5e' }, { axes: [{ name: 'x', size: 16 }, { name: 'y', size: 4 }] });
    expect(e.axes.map((a) => a.topology)).toEqual(['ring', 'line']);
  });

  it('maps GPU axes that fit in an 8-GPU node to NVLink and the rest to InfiniBand', () => {
    const hw = resolveHardware({ preset: 'h100' }, { axes: [{ name: 'data', size: 4 }, { name: 'fsdp', size: 2 }, { name: 'model', size: 4 }] });
    // model spans 4 consecutive devices, fsdp 2×4 = 8 (one node), data 4×8 = 32 (crosses nodes).
    expect(hw.axes.map((a) => a.kind)).toEqual(['ib', 'nvlink', 'nvlink']);
    expect(axisLink(hw, 'model').bandwidth).toBeCloseTo(450e9 * hw.figures.nvlinkEfficiency);
    expect(axisLink(hw, 'data').bandwidth).toBeCloseTo(50e9 * hw.figures.ibEfficiency);
  });

  it('takes explicit links from the spec', () => {
    const hw = resolveHardware({ preset: 'tpu-v4', links: { slice: 'dcn' } }, { axes: [{ name: 'slice', size: 2 }, { name: 'x', size: 4 }] });
    expect(hw.axes.map((a) => a.kind)).toEqual(['dcn', 'ici']);
    expect(axisLink(hw, 'slice').latency).toBe(hw.figures.dcnLatency);
  });

  it('applies overrides by field name, and they reach the per-axis links', () => {
    const hw = resolveHardware(
      { preset: 'h100', overrides: { hbmBytes: 94e9, nvlinkBandwidth: 900e9, nvlinkEfficiency: 1 } },
      { axes: [{ name: 'model', size: 8 }] },
    );
    expect(hw.figures.hbmBytes).toBe(94e9);
    expect(axisLink(hw, 'model').bandwidth).toBe(900e9);
    expect(HARDWARE_PRESETS.h100.figures.hbmBytes).toBe(80e9); // the preset is untouched
  });

  it('refuses an unknown override, a non-positive one and an efficiency above 1, naming the field', () => {
    const mesh = { axes: [{ name: 'x', size: 2 }] };
    const where = (f: () => unknown) => {
      try {
        f();
      } catch (e) {
        expect(e).toBeInstanceOf(UserError);
        return (e as UserError).where;
      }
      throw new Error('expected a UserError');
    };
    expect(where(() => resolveHardware({ preset: 'h100', overrides: { hbmSize: 1 } }, mesh))).toBe('hardware.overrides.hbmSize');
    expect(where(() => resolveHardware({ preset: 'h100', overrides: { hbmBytes: 0 } }, mesh))).toBe('hardware.overrides.hbmBytes');
    expect(where(() => resolveHardware({ preset: 'h100', overrides: { hbmBandwidth: -5 } }, mesh))).toBe('hardware.overrides.hbmBandwidth');
    expect(where(() => resolveHardware({ preset: 'h100', overrides: { matmulEfficiency: 1.5 } }, mesh))).toBe('hardware.overrides.matmulEfficiency');
  });

  it('refuses links a chip does not have, and links for axes the mesh does not have', () => {
    const mesh = { axes: [{ name: 'x', size: 2 }] };
    expect(() => resolveHardware({ preset: 'tpu-v5p', links: { x: 'nvlink' } }, mesh)).toThrow(/hardware\.links\.x/);
    expect(() => resolveHardware({ preset: 'h100', links: { x: 'ici' } }, mesh)).toThrow(/no ici links/);
    expect(() => resolveHardware({ preset: 'h100', links: { y: 'ib' } }, mesh)).toThrow(/hardware\.links\.y/);
  });
});

describe('hardware overrides', () => {
  it('accept every figure of every preset at its own value (each figure has a physical range)', () => {
    const mesh = { axes: [{ name: 'x', size: 2 }] };
    for (const id of HARDWARE_PRESET_IDS) {
      const figures = HARDWARE_PRESETS[id].figures;
      // a figure of 0 is a link the chip does not have (NVLink on a TPU): not a value a user would set
      for (const [name, value] of Object.entries(figures).filter(([, v]) => v > 0)) {
        expect(() => resolveHardware({ preset: id, overrides: { [name]: value } }, mesh), `${id}.${name}`).not.toThrow();
      }
    }
  });
});
