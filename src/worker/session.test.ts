import { describe, it, expect } from 'vitest';
import type { Config } from '../core/io/config';
import { highlightNodes, Session } from './session';
import { coreDeps } from './wiring';
import { layoutFor } from './graphLayout';

// A small transformer so that the whole pipeline runs in well under a second.
const config: Config = {
  version: 1,
  model: { zoo: 'transformer', params: { layers: 2, dModel: 32, heads: 4, dFF: 64, seq: 8, vocab: 64, batch: 8 } },
  mesh: { axes: [{ name: 'batch', size: 2 }, { name: 'model', size: 2 }] },
  hardware: { preset: 'tpu-v5p', links: { batch: 'ici', model: 'ici' } },
  tactics: 'BP = BatchParallel(axis="batch")\nMP = Megatron(axis="model")\nschedule = [BP, MP]\n',
  options: { overlap: true },
};

describe('Session', () => {
  it('runs a config and echoes its sequence number, with paths and stage names', () => {
    const s = new Session(coreDeps);
    const progress: [string, number][] = [];
    const r = s.run(7, config, (stage, f) => progress.push([stage, f]));
    expect(r.seq).toBe(7);
    if (!r.ok) throw new Error(r.error.message);
    expect(r.hasErrors).toBe(false);
    expect(r.stageNames).toEqual(['BP', 'MP']);
    expect(r.paths).toContain('params/layer_1/mlp/w_in');
    expect(r.paths).toContain('batch/tokens');
    expect(r.report.model.parameters).toBeGreaterThan(0);
    // Progress is reported in order and ends at 1.
    expect(progress.length).toBeGreaterThan(1);
    for (let i = 1; i < progress.length; i++) expect(progress[i][1]).toBeGreaterThanOrEqual(progress[i - 1][1]);
    expect(progress[progress.length - 1][1]).toBe(1);
  });

  it('returns an invalid config as a value naming the field, never throwing', () => {
    const s = new Session(coreDeps);
    const r = s.run(1, { ...config, mesh: { axes: [{ name: 'batch', size: -1 }] } });
    expect(r.ok).toBe(false);
    if (!r.ok) {
      expect(r.internal).toBe(false);
      expect(r.error.where).toMatch(/mesh\.axes\[0\]\.size/);
    }
    const r2 = s.run(2, 'not a config');
    expect(r2.ok).toBe(false);
  });

  it('reports tactic syntax errors as markers with a line and column', () => {
    const s = new Session(coreDeps);
    const r = s.run(3, { ...config, tactics: 'BP = BatchParallel(axis="batch"\nschedule = [BP]\n' });
    if (!r.ok) throw new Error(r.error.message);
    expect(r.hasErrors).toBe(true);
    expect(r.markers.length).toBeGreaterThan(0);
    expect(r.markers[0].range!.line).toBeGreaterThanOrEqual(1);
  });

  it('answers hover on a glob with the values it matches and their shardings', () => {
    const s = new Session(coreDeps);
    expect(s.hoverAt('x = "a"', 1, 6)).toBeNull(); // nothing cached yet
    s.run(1, config);
    const text = 'T = ManualPartition(inputs={"params/*/mlp/w_in": 1}, axis="model")';
    const h = s.hoverAt(text, 1, text.indexOf('mlp') + 1);
    expect(h).not.toBeNull();
    expect(h!.glob).toBe('params/*/mlp/w_in');
    expect(h!.total).toBe(2);
    expect(h!.matches.map((m) => m.path)).toEqual(['params/layer_0/mlp/w_in', 'params/layer_1/mlp/w_in']);
    // Megatron shards w_in column-wise (dim 1) on "model"; BatchParallel leaves params replicated on "batch".
    expect(h!.matches[0].axes).toEqual({ batch: 'replicated', model: 'dim 1' });
    expect(h!.matches[0].type).toMatch(/\[32, 64@model\]/);
    expect(s.hoverAt(text, 1, 3)).toBeNull(); // not on a string
  });

  it('completes value paths and mesh axes from the cached program', () => {
    const s = new Session(coreDeps);
    s.run(1, config);
    const text = 'T = ManualPartition(inputs={"params/layer_0/ml';
    const items = s.complete(text, 1, text.length + 1, ['batch', 'model']);
    expect(items.some((i) => i.kind === 'path' && i.label.startsWith('params/layer_0/mlp'))).toBe(true);
    const ax = 'T = BatchParallel(axis="';
    expect(s.complete(ax, 1, ax.length + 1, ['batch', 'model']).filter((i) => i.kind === 'axis').map((i) => i.label)).toEqual(['batch', 'model']);
  });

  it('searches the last program by name or path; nothing before a run', () => {
    const s = new Session(coreDeps);
    expect(s.search('w_in').total).toBe(0);
    const r = s.run(1, config);
    if (!r.ok) throw new Error(r.error.message);
    const found = s.search('w_in');
    expect(found.total).toBeGreaterThan(0);
    expect(found.hits.every((h) => h.text.toLowerCase().includes('w_in'))).toBe(true);
    const layout = layoutFor(s, [...found.hits[0].reveal], null);
    expect(layout?.nodes.some((n) => n.id === found.hits[0].nodeId)).toBe(true);
  });

  it('finds the op a report entry names, with the groups to expand, and lays out the graph', () => {
    const s = new Session(coreDeps);
    const r = s.run(1, config);
    if (!r.ok) throw new Error(r.error.message);
    const c = r.report.collectives[0];
    expect(c).toBeDefined();
    const hit = s.findOp(c.op);
    expect(hit).not.toBeNull();
    expect(s.opName(hit!.opId)).toBe(c.op);
    expect(hit!.nodeId).toBe(`op:${hit!.opId}`);
    const details = s.nodeDetails(hit!.nodeId);
    expect(details?.results?.length).toBeGreaterThan(0);
    const layout = layoutFor(s, hit!.reveal, null);
    expect(layout?.nodes.some((n) => n.id === hit!.nodeId)).toBe(true);
  });

  it('exports files from the last result, and says why when it cannot', () => {
    const s = new Session(coreDeps);
    expect(s.exportFile('config')).toEqual({ error: expect.stringMatching(/no result/) });
    s.run(1, config);
    const c = s.exportFile('config');
    if ('error' in c) throw new Error(c.error);
    expect(JSON.parse(c.text)).toEqual(coreDeps.validateConfig(config));
    const trace = s.exportFile('trace');
    if ('error' in trace) throw new Error(trace.error);
    expect(JSON.parse(trace.text)).toHaveProperty('traceEvents');
    const md = s.exportFile('markdown');
    if ('error' in md) throw new Error(md.error);
    expect(md.text.length).toBeGreaterThan(50);
  });

  it('compares B against A: B becomes the session result, the diff names the values B shards differently, and the graph ids to mark', () => {
    const s = new Session(coreDeps);
    const b: Config = { ...config, tactics: 'BP = BatchParallel(axis="batch")\nschedule = [BP]\n' };
    const r = s.compare(4, b, config);
    expect(r.seq).toBe(4);
    if (!r.b.ok) throw new Error(r.b.error.message);
    expect(r.b.stageNames).toEqual(['BP']);
    expect(s.result?.report.stages.map((x) => x.tactic)).toEqual(['BP']);
    const diff = r.diff!;
    expect(diff.sameModel).toBe(true);
    // Megatron (in A only) tiles w_in on "model"; B leaves it replicated there.
    const w = diff.shardings.values.find((v) => v.value === 'params/layer_0/mlp/w_in');
    expect(w?.a?.model).toEqual({ tiled: 1 });
    expect(w?.b?.model).toBe('replicated');
    // A's Megatron all-reduces on "model" are gone in B.
    expect(diff.collectives.removed.some((c) => c.axes.includes('model'))).toBe(true);
    expect(diff.collectives.added.some((c) => c.axes.includes('model'))).toBe(false);
    expect(diff.time.step.a).not.toBe(diff.time.step.b);
    // Highlight: the differing input's node and the groups that hold the differing ops.
    const id = s.result!.program.values.find((v) => v.name === 'params/layer_0/mlp/w_in')!.id;
    expect(r.highlightValues).toContain(id);
    expect(r.highlight).toContain(`in:${id}`);
    expect(r.highlight).toContain('g:layer_0');

    // The same pair again reuses both results; an invalid A is reported as A's problem.
    const again = s.compare(5, b, config);
    expect(again.diff?.shardings.count).toBe(diff.shardings.count);
    const badA = s.compare(6, b, { ...config, mesh: { axes: [{ name: 'batch', size: 0 }] } });
    expect(badA.diff).toBeNull();
    expect(badA.errorA?.where).toMatch(/mesh/);
  });

  it('highlightNodes maps values to input nodes, defining ops and every enclosing group', () => {
    const s = new Session(coreDeps);
    s.run(1, config);
    const p = s.result!.program;
    const op = p.ops.find((o) => o.scope === 'layer_1/mlp')!;
    const nodes = highlightNodes(p, [op.results[0], p.inputs[0]]);
    expect(nodes).toEqual(expect.arrayContaining([`op:${op.id}`, 'g:layer_1', 'g:layer_1/mlp', `in:${p.inputs[0]}`]));
  });

  it('describes a StableHLO module before loading it, with the line and column of an import error', async () => {
    const s = new Session(coreDeps);
    const { readFileSync } = await import('node:fs');
    const text = readFileSync('public/examples/attention_block.mlir', 'utf8');
    const info = s.moduleInfo(text);
    expect(info.error).toBeUndefined();
    expect(info.ops).toBeGreaterThan(5);
    expect(info.mesh?.map((a) => a.name)).toContain('data');
    // A type left open on the line of `func.func`: the error points at that line.
    const broken = text.replace(/tensor<([^>]*)>/, 'tensor<$1');
    const line = text.split('\n').findIndex((l) => l.includes('tensor<')) + 1;
    const bad = s.moduleInfo(broken);
    expect(bad.error?.range?.line).toBe(line);
    expect(bad.error?.range?.column).toBeGreaterThan(1);
    expect(bad.error?.message.length).toBeGreaterThan(5);
  });

  it('streams an AutomaticPartition search with its best so far, and puts what it chose in the report', () => {
    const s = new Session(coreDeps);
    const tiny: Config = {
      ...config,
      model: { zoo: 'mlp', params: { layers: 2, dModel: 16, dHidden: 32, batch: 8 } },
      tactics: 'A = AutomaticPartition(axes=["model"], budget=3)\nschedule = [A]\n',
    };
    const seen: { tactic: string; simulations: number; best: { text: string } }[] = [];
    const r = s.run(1, tiny, undefined, (p) => seen.push(p));
    if (!r.ok) throw new Error(r.error.message);
    expect(seen.length).toBeGreaterThan(0);
    expect(seen.every((p) => p.tactic === 'A')).toBe(true);
    for (let i = 1; i < seen.length; i++) expect(seen[i].simulations).toBeGreaterThanOrEqual(seen[i - 1].simulations);
    expect(r.report.auto?.[0].tactic).toBe('A');
  }, 15_000);
});
