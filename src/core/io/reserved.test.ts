/**
 * Names that are keys of Object.prototype, as axis names, config keys and tactic names. Each must
 * behave like any other name: kept where given, refused where unknown, never a crash.
 */
import { describe, expect, it } from 'vitest';
import { runPipeline } from '../pipeline';
import { compareResults } from '../compare';
import { exportMarkdown } from './export/markdown';
import { validateConfig } from './validate';
import { resolveHardware } from '../mesh/hardware';
import { BP_MP_Z3, tinyTransformerConfig } from './export/fixtures';

export const RESERVED = ['__proto__', 'constructor', 'toString', 'hasOwnProperty', 'valueOf'] as const;

/** The config as it arrives from a link or a file: JSON text, where `"__proto__"` is an ordinary key. */
function configJson(axis: string, links: boolean): unknown {
  const c = tinyTransformerConfig(BP_MP_Z3.replaceAll('"batch"', JSON.stringify(axis)));
  const json = JSON.stringify({ ...c, mesh: { axes: [{ name: axis, size: 4 }, { name: 'model', size: 2 }] } });
  const withLinks = links ? json.replace('"hardware":{', `"hardware":{"links":{${JSON.stringify(axis)}:"ici","model":"ici"},`) : json;
  return JSON.parse(withLinks) as unknown;
}

describe.each(RESERVED)('an axis named %s', (axis) => {
  it.each([false, true])('runs like any axis (hardware.links given: %s), in shardings, per-axis time, comparison and Markdown', (links) => {
    const config = validateConfig(configJson(axis, links));
    expect(Object.keys(config.mesh.axes.map((a) => a.name))).toHaveLength(2);
    if (links) expect(Object.keys(config.hardware.links!)).toEqual([axis, 'model']);
    const result = runPipeline(config);
    const r = result.report;
    expect(r.diagnostics.filter((d) => d.severity !== 'warning')).toEqual([]);
    expect(Object.keys(r.time.perAxis)).toEqual([axis, 'model']);
    expect(r.time.perAxis[axis]).toBeGreaterThan(0);
    expect(Number.isFinite(r.time.step)).toBe(true);
    const first = Object.values(r.shardings)[0];
    expect(Object.keys(first)).toEqual([axis, 'model']);
    // the report survives JSON (what --json prints and the worker posts) with the axis as a key
    expect(Object.keys((JSON.parse(JSON.stringify(r)) as typeof r).time.perAxis)).toEqual([axis, 'model']);
    expect(Object.keys(compareResults(result, result).time.perAxis)).toEqual([axis, 'model']);
    const md = exportMarkdown(r, config);
    expect(md).toContain(`communication on ${axis.replace(/_/g, '\\_')}`);
  });
});

describe('reserved keys in the config are refused like any unknown key', () => {
  const base = JSON.stringify(tinyTransformerConfig(BP_MP_Z3));
  it.each(RESERVED)('model.params.%s', (key) => {
    const config = validateConfig(JSON.parse(base.replace('"params":{', `"params":{${JSON.stringify(key)}:1,`)) as unknown);
    expect(() => runPipeline(config)).toThrow(new RegExp(`has no parameter "${key}"`));
  });
  it.each(RESERVED)('hardware.overrides.%s', (key) => {
    const config = validateConfig(JSON.parse(base.replace('"hardware":{', `"hardware":{"overrides":{${JSON.stringify(key)}:1},`)) as unknown);
    expect(() => resolveHardware(config.hardware, config.mesh)).toThrow(new RegExp(`hardware\\.overrides\\.${key}: unknown hardware figure`));
  });
});

describe('hardware figures outside physical ranges', () => {
  const mesh = { axes: [{ name: 'batch', size: 4 }] };
  it.each([
    ['iciBandwidth', 5e-324], ['iciBandwidth', 1e-300], ['hbmBandwidth', 1], ['peakFlopsBf16', 1e-10], ['iciLatency', 1e6], ['iciLatency', 5e-324],
    ['nodeSize', 2.5], ['hbmBytes', 10],
  ])('%s = %s is refused, naming the field and the range', (field, value) => {
    expect(() => resolveHardware({ preset: 'tpu-v5p', overrides: { [field]: value } }, mesh)).toThrow(new RegExp(`^hardware\\.overrides\\.${field}: .*outside the physical range`));
  });
  it('figures inside the ranges are taken', () => {
    const hw = resolveHardware({ preset: 'tpu-v5p', overrides: { iciBandwidth: 1e9, nodeSize: 8 } }, mesh);
    expect(hw.figures.iciBandwidth).toBe(1e9);
  });
});

describe('deep JSON', () => {
  it('a config nested 200,000 deep is one message, not a stack overflow', () => {
    const deep = '['.repeat(200_000) + ']'.repeat(200_000);
    expect(() => validateConfig(JSON.parse(`{"version":1,"model":${deep}}`) as unknown)).toThrow(/^model: must be an object, got a list of 1 item$/);
    expect(() => validateConfig(JSON.parse(`{"version":1,"model":{"zoo":"mlp","params":{"x":${deep}}}}`) as unknown)).toThrow(/model\.params\.x: must be a number, string or boolean, got a list of 1 item/);
  });
});
