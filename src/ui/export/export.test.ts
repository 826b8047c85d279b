import { describe, expect, it } from 'vitest';
import type { Config } from '../../core/io/config';
import type { Report } from '../../core/report';
import { exportFileName, svgSize } from './download';
import { defaultStem, localExport } from './ExportMenu';

describe('svgSize', () => {
  it('reads numeric width and height, with or without px', () => {
    expect(svgSize('<svg xmlns="http://www.w3.org/2000/svg" width="640" height="480.5"><g/></svg>')).toEqual({ width: 640, height: 480.5 });
    expect(svgSize("<svg width='300px' height='200px'></svg>")).toEqual({ width: 300, height: 200 });
  });
  it('falls back to the viewBox when the size is relative or missing', () => {
    expect(svgSize('<?xml version="1.0"?>\n<svg width="100%" viewBox="0 0 1200 340"></svg>')).toEqual({ width: 1200, height: 340 });
    expect(svgSize('<svg viewBox="-5,-5,50,60">')).toEqual({ width: 50, height: 60 });
  });
  it('uses the fallback when nothing says', () => {
    expect(svgSize('<svg></svg>', { width: 1, height: 2 })).toEqual({ width: 1, height: 2 });
  });
});

describe('exportFileName', () => {
  it('keeps names portable', () => {
    expect(exportFileName('partir-Transformer batch4xmodel2', 'py')).toBe('partir-transformer-batch4xmodel2.py');
    expect(exportFileName('///', 'md')).toBe('partir.md');
  });
});

describe('localExport', () => {
  const config: Config = {
    version: 1, model: { zoo: 'mlp' }, mesh: { axes: [{ name: 'batch', size: 2 }] }, hardware: { preset: 'h100' }, tactics: '',
  };
  const report: Report = {
    model: { name: 'mlp', parameters: 10, ops: 3, flops: { model: 1, executed: 1, byPhase: { forward: 1, backward: 0, optimizer: 0 } }, bytes: { params: 1, optimizer: 0, gradients: 0, activations: 0, temporaries: 0, batch: 0 } },
    stages: [], shardings: {}, collectives: [],
    memory: { perDevice: [{ device: 0, peak: 10, capacity: 100, outOfMemory: false, atPeak: { params: 4, optimizer: 0, gradients: 0, activations: 6, temporaries: 0 }, modelState: { params: 4, gradients: 0, optimizer: 0 } }] },
    time: { step: 1e-3, compute: 1e-3, communication: 0, exposedCommunication: 0, perAxis: {}, mfu: 0.5 },
    timeline: [{ device: 0, intervals: [{ kind: 'compute', start: 0, end: 1e-3, op: 'dot_general#0', scope: 'layer_0' }] }],
    diagnostics: [],
  };
  const stem = defaultStem(config);

  it('names files after the model and mesh', () => {
    expect(stem).toBe('partir-mlp-batch2');
  });
  it('makes config, trace and Markdown without the worker; JAX and sdy need it', () => {
    const cfg = localExport('config', config, report, stem)!;
    expect(JSON.parse(cfg.text)).toEqual(config);
    expect(cfg.filename).toBe('partir-mlp-batch2.config.json');
    const trace = localExport('trace', config, report, stem)!;
    expect(trace.filename).toBe('partir-mlp-batch2.trace.json');
    expect(JSON.parse(trace.text).traceEvents.filter((e: { ph: string }) => e.ph === 'X')).toHaveLength(1);
    expect(localExport('markdown', config, report, stem)!.text).toContain('| MFU | 50.0 % |');
    expect(localExport('jax', config, report, stem)).toBeNull();
    expect(localExport('sdy', config, report, stem)).toBeNull();
  });
});
