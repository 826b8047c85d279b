import { describe, it, expect } from 'vitest';
import fc from 'fast-check';
import { ProgramBuilder } from '../../core/ir/builder';
import type { Program, ValueId } from '../../core/ir/types';
import type { PartitionResult, Sharding } from '../../core/partition/types';
import type { SpmdProgram } from '../../core/spmd/types';
import type { Config } from '../../core/io/config';
import { runPipeline } from '../../core/pipeline';
import {
  formatShardedType, graphModel, groupsAbove, groupsToReveal, hiddenLeaves, layeredLayout, layoutGraph, opNodeLabel, searchGraph,
  type GraphLayout, type LayoutNode,
} from './index';
import { layoutGroup } from './groups';
import { expandedGroups, placeVisible, representatives } from './visible';

const D = 8;
const dot = { lhsBatch: [], rhsBatch: [], lhsContract: [1], rhsContract: [0] };

/** A transformer-shaped training step: per layer ln1/attn/ln2/mlp scopes, forward, backward and optimizer ops. */
/** The fold of syntheticStep(3)'s three look-alike layers. */
const FOLD3 = 'layer_0…layer_2';

function syntheticStep(layers: number, opsPerBlock = 4): Program {
  const b = new ProgramBuilder('synthetic');
  const x0 = b.input('batch/x', { shape: [4, D], dtype: 'f32' });
  const blocks = ['ln1', 'attn', 'ln2', 'mlp'];
  const w: ValueId[][] = [];
  for (let i = 0; i < layers; i++) {
    w.push(blocks.map((k) => b.input(`params/layer_${i}/${k}/w`, { shape: [D, D], dtype: 'f32' })));
  }
  const acts: ValueId[] = [];
  let x = x0;
  for (let i = 0; i < layers; i++) {
    b.scoped(`layer_${i}`, () => {
      if (i > 0) b.setName(x, `layer_${i}/x`); // layer_0's input is batch/x itself
      blocks.forEach((k, j) => {
        b.scoped(k, () => {
          let h = b.dot(x, w[i][j], dot);
          for (let r = 1; r < opsPerBlock; r++) h = b.add(b.mul(h, h), x);
          acts.push(h);
          x = b.add(x, h); // residual
        });
      });
    });
  }
  const loss = b.scoped('loss', () => b.sum(x, [0, 1]));
  b.output(loss, 'loss');
  let g = b.scoped('loss', () => b.inPhase('backward', () => b.full(x, 1)));
  const grads: ValueId[][] = w.map(() => []);
  b.inPhase('backward', () => {
    for (let i = layers - 1; i >= 0; i--) {
      b.scoped(`layer_${i}`, () => {
        for (let j = blocks.length - 1; j >= 0; j--) {
          b.scoped(blocks[j], () => {
            const a = acts[i * blocks.length + j];
            const t = b.transpose(a, [1, 0]);
            grads[i][j] = b.dot(t, g, { lhsBatch: [], rhsBatch: [], lhsContract: [1], rhsContract: [0] });
            g = b.add(g, b.mul(g, a));
          });
        }
      });
    }
  });
  b.inPhase('optimizer', () => {
    for (let i = 0; i < layers; i++) {
      blocks.forEach((k, j) => {
        b.scoped(`optimizer/layer_${i}/${k}/w`, () => {
          const upd = b.sub(w[i][j], b.mul(grads[i][j], b.full(grads[i][j], 0.01)));
          b.output(upd, `params/layer_${i}/${k}/w`);
        });
      });
    }
  });
  return b.build();
}

const rectsOverlap = (a: LayoutNode, b: LayoutNode) =>
  a.x < b.x + b.width && b.x < a.x + a.width && a.y < b.y + b.height && b.y < a.y + a.height;

function assertNoSiblingOverlap(lay: GraphLayout) {
  const byParent = new Map<string | null, LayoutNode[]>();
  for (const n of lay.nodes) byParent.set(n.parent, [...(byParent.get(n.parent) ?? []), n]);
  const byId = new Map(lay.nodes.map((n) => [n.id, n]));
  for (const [parent, kids] of byParent) {
    for (let i = 0; i < kids.length; i++) {
      for (let j = i + 1; j < kids.length; j++) {
        expect(rectsOverlap(kids[i], kids[j]), `${kids[i].id} overlaps ${kids[j].id}`).toBe(false);
      }
      if (parent !== null) {
        const p = byId.get(parent)!;
        expect(kids[i].x).toBeGreaterThanOrEqual(p.x);
        expect(kids[i].y).toBeGreaterThanOrEqual(p.y);
        expect(kids[i].x + kids[i].width).toBeLessThanOrEqual(p.x + p.width + 1e-9);
        expect(kids[i].y + kids[i].height).toBeLessThanOrEqual(p.y + p.height + 1e-9);
      }
    }
  }
}

describe('graphModel grouping', () => {
  const p = syntheticStep(3);
  it('makes a group for every scope prefix and puts each op in its own scope', () => {
    const m = graphModel(p);
    for (const s of ['layer_0', 'layer_0/attn', 'layer_2/mlp', 'loss', 'optimizer', 'optimizer/layer_1/mlp/w']) {
      expect(m.groupIndex.has(s), s).toBe(true);
    }
    const attnOp = p.ops.find((o) => o.scope === 'layer_1/attn')!;
    expect(m.groupScope[m.parent[attnOp.id] - m.nOps - m.nInputs]).toBe('layer_1/attn');
    const g = m.groupIndex.get('layer_1/attn')!;
    expect(m.groupScope[m.parent[g] - m.nOps - m.nInputs]).toBe('layer_1');
  });

  it('groups inputs by path prefix', () => {
    const m = graphModel(p);
    const i = p.inputs.findIndex((v) => p.values[v].name === 'params/layer_2/mlp/w');
    const grp = m.parent[m.nOps + i];
    expect(m.groupScope[grp - m.nOps - m.nInputs]).toBe('params/layer_2/mlp');
    expect(m.parent[m.nOps]).toBe(m.groupIndex.get('batch'));
  });

  it('counts every op once in each ancestor group', () => {
    const m = graphModel(p);
    const inLayer1 = p.ops.filter((o) => o.scope === 'layer_1' || o.scope.startsWith('layer_1/')).length;
    expect(m.opCount[m.groupIndex.get('layer_1')!]).toBe(inLayer1);
    const lay = layoutGraph(p, { expanded: [] });
    const total = lay.nodes.reduce((s, n) => s + (n.kind === 'group' ? n.opCount! : n.kind === 'op' ? 1 : 0), 0);
    expect(total).toBe(p.ops.length);
  });

  it('collapsed by default: only top-level nodes are visible', () => {
    const lay = layoutGraph(p, { expanded: [] });
    expect(lay.nodes.every((n) => n.parent === null)).toBe(true);
    const ids = lay.nodes.map((n) => n.id);
    // the three look-alike layers fold into one node
    expect(ids).toContain(`g:${FOLD3}`);
    expect(ids).not.toContain('g:layer_0');
    expect(ids).not.toContain('g:layer_0/attn');
    const fold = lay.nodes.find((n) => n.id === `g:${FOLD3}`)!;
    expect(fold.label).toBe('layer_0…layer_2 ×3');
    expect(fold.folded).toBe(3);
  });

  it('shows a group only when all its ancestors are expanded', () => {
    const hidden = layoutGraph(p, { expanded: ['layer_0/attn'] });
    expect(hidden.nodes.some((n) => n.parent === 'g:layer_0/attn')).toBe(false);
    const shown = layoutGraph(p, { expanded: ['layer_0', 'layer_0/attn'] });
    const kids = shown.nodes.filter((n) => n.parent === 'g:layer_0/attn');
    expect(kids.length).toBe(p.ops.filter((o) => o.scope === 'layer_0/attn').length);
    expect(kids.every((n) => n.kind === 'op')).toBe(true);
  });

  it('groupsToReveal lists the ancestors of an op, outermost first', () => {
    const op = p.ops.find((o) => o.scope === 'layer_2/mlp')!;
    expect(groupsToReveal(p, op.id)).toEqual([FOLD3, 'layer_2', 'layer_2/mlp']);
  });
});

describe('edge aggregation', () => {
  const p = syntheticStep(3);

  /** Brute force: distinct values flowing from anything under scope A to an op under scope B. */
  function crossing(a: (scopeOrPath: string) => boolean, bScope: (s: string) => boolean): Set<number> {
    const out = new Set<number>();
    for (const op of p.ops) {
      if (!bScope(op.scope)) continue;
      for (const v of op.operands) {
        const def = p.values[v].def;
        const from = def >= 0 ? p.ops[def].scope : `input:${p.values[v].name ?? ''}`;
        if (a(from)) out.add(v);
      }
    }
    return out;
  }
  const under = (g: string) => (s: string) => s === g || s.startsWith(`${g}/`);

  it('aggregates the values crossing two collapsed groups into one edge', () => {
    const lay = layoutGraph(p, { expanded: [FOLD3] });
    const e = lay.edges.filter((x) => x.source === 'g:layer_0' && x.target === 'g:layer_1');
    expect(e.length).toBe(1);
    expect(e[0].values).toBe(crossing(under('layer_0'), under('layer_1')).size);
    expect(e[0].back).toBe(false);
    // backward flows from layer_1 to layer_0: a back edge, drawn upwards
    const back = lay.edges.find((x) => x.source === 'g:layer_1' && x.target === 'g:layer_0')!;
    expect(back.back).toBe(true);
  });

  it('has no duplicate edges and no self-loops', () => {
    const lay = layoutGraph(p, { expanded: ['layer_1', 'layer_1/mlp'] });
    const ids = lay.edges.map((e) => `${e.source}>${e.target}`);
    expect(new Set(ids).size).toBe(ids.length);
    expect(lay.edges.every((e) => e.source !== e.target)).toBe(true);
    const nodeIds = new Set(lay.nodes.filter((n) => !n.expanded).map((n) => n.id));
    for (const e of lay.edges) {
      expect(nodeIds.has(e.source), e.source).toBe(true);
      expect(nodeIds.has(e.target), e.target).toBe(true);
    }
  });

  it('splits an aggregated edge when a group is expanded, keeping the same values', () => {
    const collapsed = layoutGraph(p, { expanded: [FOLD3] });
    const before = collapsed.edges.find((x) => x.source === 'g:layer_0' && x.target === 'g:layer_1')!;
    const open = layoutGraph(p, { expanded: ['layer_1'] });
    const into = open.edges.filter((x) => x.source === 'g:layer_0' && x.target.startsWith('g:layer_1/'));
    expect(into.length).toBeGreaterThan(0);
    // every value still arrives somewhere inside layer_1, and nothing else does
    expect(Math.max(...into.map((x) => x.values))).toBeLessThanOrEqual(before.values);
    expect(into.reduce((s, x) => s + x.values, 0)).toBeGreaterThanOrEqual(before.values);
  });

  it('labels a one-value edge with the sharded type of the value', () => {
    const lay = layoutGraph(p, { expanded: ['batch', 'layer_0'] });
    const e = lay.edges.find((x) => x.source.startsWith('in:') && x.target === 'g:layer_0/ln1')!;
    expect(e.values).toBe(1);
    expect(e.label).toBe(`f32[4, ${D}]`);
  });
});

describe('layout geometry', () => {
  const p = syntheticStep(4);

  it('no two nodes of one group overlap, and children stay inside their group', () => {
    for (const expanded of [[], ['layer_0'], ['layer_0', 'layer_0/attn', 'layer_2', 'layer_2/mlp'], ['params', 'params/layer_1', 'optimizer']]) {
      assertNoSiblingOverlap(layoutGraph(p, { expanded }));
    }
  });

  it('layeredLayout never overlaps boxes on random graphs', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 40 }).chain((n) =>
          fc.record({
            sizes: fc.array(fc.tuple(fc.integer({ min: 10, max: 300 }), fc.integer({ min: 10, max: 120 })), { minLength: n, maxLength: n }),
            edges: fc.array(fc.tuple(fc.nat(n - 1), fc.nat(n - 1)), { maxLength: 3 * n }),
          }),
        ),
        ({ sizes, edges }) => {
          const lay = layeredLayout({
            widths: sizes.map((s) => s[0]), heights: sizes.map((s) => s[1]),
            keys: sizes.map((_, i) => i), edges: edges.flat(),
          });
          for (let i = 0; i < sizes.length; i++) {
            expect(lay.x[i] + sizes[i][0]).toBeLessThanOrEqual(lay.width + 1e-9);
            expect(lay.y[i] + sizes[i][1]).toBeLessThanOrEqual(lay.height + 1e-9);
            for (let j = i + 1; j < sizes.length; j++) {
              const sep = lay.x[i] + sizes[i][0] <= lay.x[j] || lay.x[j] + sizes[j][0] <= lay.x[i]
                || lay.y[i] + sizes[i][1] <= lay.y[j] || lay.y[j] + sizes[j][1] <= lay.y[i];
              expect(sep).toBe(true);
            }
          }
        },
      ),
      { numRuns: 150 },
    );
  });

  it('places a consumer below its producer along forward edges', () => {
    const lay = layeredLayout({ widths: [50, 50, 50], heights: [20, 20, 20], keys: [0, 1, 2], edges: [0, 1, 1, 2] });
    expect(lay.y[1]).toBeGreaterThan(lay.y[0]);
    expect(lay.y[2]).toBeGreaterThan(lay.y[1]);
  });

  it('reuses cached positions when only the stage changes', () => {
    const a = layoutGraph(p, { expanded: ['layer_1'] });
    const b = layoutGraph(p, { expanded: ['layer_1'], stage: -1 });
    expect(b.nodes.map((n) => [n.id, n.x, n.y])).toEqual(a.nodes.map((n) => [n.id, n.x, n.y]));
  });

  // Its time is measured by `npm run bench:ui` (a benchmark prints figures; a test asserts no timings).
  it('expanding one layer of a 96-layer step lays out only the groups on that layer\'s path', async () => {
    const { buildZooModel } = await import('../../core/models/zoo');
    // the zoo's 96-layer training step (small dims: the op count does not depend on them)
    const big = buildZooModel('transformer', { layers: 96, dModel: 64, heads: 4, dFF: 256, seq: 16, vocab: 128, batch: 2 });
    expect(big.ops.length).toBeGreaterThan(20_000);
    layoutGraph(big, { expanded: [] }); // builds the model once, as the worker does on load
    const m = graphModel(big);
    const firstGroup = m.nOps + m.nInputs;
    for (const i of [47, 3]) {
      const before = new Set(m.cache.keys());
      const lay = layoutGraph(big, { expanded: [`layer_${i}`, `layer_${i}/attn`] });
      expect(lay.nodes.some((n) => n.parent === `g:layer_${i}/attn`)).toBe(true);
      // the groups laid out anew: the root and the groups from the fold down to layer_i/attn, none of the other 95 layers
      const laidOut = [...m.cache.keys()].filter((k) => !before.has(k)).map((k) => Number(k.split('|')[0]));
      const scopes = laidOut.map((g) => (g < 0 ? '(root)' : m.groupScope[g - firstGroup]));
      expect(scopes.sort()).toEqual(['(root)', ...groupsAbove(m, m.groupIndex.get(`layer_${i}/attn`)!), `layer_${i}/attn`].sort());
    }
  });
});

describe('sharding overlays and collectives', () => {
  const b = new ProgramBuilder('tiny');
  const x = b.input('batch/x', { shape: [8, 16], dtype: 'bf16' });
  const w = b.input('params/w', { shape: [16, 32], dtype: 'bf16' });
  const h = b.scoped('mlp', () => b.dot(x, w, dot));
  const y = b.scoped('head', () => b.exp(h));
  b.output(y, 'y');
  const p = b.build();
  const rep: Sharding = { dims: [[], []], partial: [] };
  const final: Sharding[] = p.values.map(() => rep);
  final[x] = { dims: [['batch'], []], partial: [] };
  final[w] = { dims: [[], ['model']], partial: [] };
  final[h] = { dims: [['batch'], ['model']], partial: [] };
  const stage0: Sharding[] = p.values.map((_, i) => (i === x || i === h ? final[i] : rep));
  const mesh = { axes: [{ name: 'batch', size: 2 }, { name: 'model', size: 4 }] };
  const partition: PartitionResult = {
    program: p, mesh, shardings: final,
    stages: [
      { tactic: 'BP', axis: 'batch', seeded: [], reached: 2, conflicts: [], shardings: stage0 },
      { tactic: 'MP', axis: 'model', seeded: [], reached: 2, conflicts: [], shardings: final },
    ],
  };

  it('formats sharded types with the axes on the dims they tile', () => {
    expect(formatShardedType({ shape: [8, 2048, 4096], dtype: 'bf16' }, { dims: [['batch'], [], ['model']], partial: [] }))
      .toBe('bf16[8@batch, 2048, 4096@model]');
    expect(formatShardedType({ shape: [4, 4], dtype: 'f32' }, { dims: [[], []], partial: ['model'] }))
      .toBe('f32[4, 4] {partial: model}');
  });

  it('marks each node with its state per mesh axis, per stage', () => {
    const all = ['batch', 'params', 'mlp', 'head'];
    const fin = layoutGraph(p, { expanded: all, partition });
    const dotNode = fin.nodes.find((n) => n.opKind === 'dot_general')!;
    expect(dotNode.axes).toEqual([{ axis: 'batch', state: 'tiled', dim: 0 }, { axis: 'model', state: 'tiled', dim: 1 }]);
    expect(fin.stage).toBe(1);
    const s0 = layoutGraph(p, { expanded: all, partition, stage: 0 });
    const w0 = s0.nodes.find((n) => n.id === `in:${w}`)!;
    expect(w0.axes.every((a) => a.state === 'replicated')).toBe(true);
    const none = layoutGraph(p, { expanded: all, partition, stage: -1 });
    expect(none.nodes.every((n) => n.axes.every((a) => a.state === 'replicated'))).toBe(true);
  });

  it('summarises a collapsed group by the share of its values sharded on each axis', () => {
    const lay = layoutGraph(p, { expanded: [], partition });
    const params = lay.nodes.find((n) => n.id === 'g:params')!;
    expect(params.axes).toEqual([
      { axis: 'batch', state: 'replicated', fraction: 0 },
      { axis: 'model', state: 'tiled', fraction: 1 },
    ]);
  });

  it('attaches a collective to the edge into the op it serves', () => {
    // per-device program: dot on local pieces, then an all-gather of h over model before exp
    const d = new ProgramBuilder('spmd');
    const lx = d.input('batch/x', { shape: [4, 16], dtype: 'bf16' });
    const lw = d.input('params/w', { shape: [16, 8], dtype: 'bf16' });
    const lh = d.dot(lx, lw, dot);
    const g = d.emit1('all_gather', [lh], { axes: ['model'], dim: 1 }, { shape: [4, 32], dtype: 'bf16' });
    d.exp(g);
    const local = d.build();
    const expOp = p.ops.find((o) => o.kind === 'exp')!.id;
    const dotOp = p.ops.find((o) => o.kind === 'dot_general')!.id;
    const spmd: SpmdProgram = {
      mesh, program: local, global: p, source: Int32Array.from([dotOp, expOp, expOp]),
      inputShardings: [final[x], final[w]], outputShardings: [rep],
    };
    const lay = layoutGraph(p, { expanded: [], partition, spmd });
    const e = lay.edges.find((x) => x.source === 'g:mlp' && x.target === 'g:head')!;
    expect(e.collectives).toEqual([{ kind: 'all-gather', axes: ['model'], bytes: 4 * 32 * 2, count: 1 }]);
    // a collective that reduces the op's own (partial) result sits on that op, or on its collapsed group
    const d2 = new ProgramBuilder('spmd2');
    const ax = d2.input('batch/x', { shape: [4, 16], dtype: 'bf16' });
    const aw = d2.input('params/w', { shape: [16, 32], dtype: 'bf16' });
    const ah = d2.dot(ax, aw, dot);
    d2.exp(d2.emit1('all_reduce', [ah], { axes: ['model'] }, { shape: [4, 32], dtype: 'bf16' }));
    const spmd2: SpmdProgram = { ...spmd, program: d2.build(), source: Int32Array.from([dotOp, dotOp, expOp]) };
    const onNode = layoutGraph(p, { expanded: ['mlp'], partition, spmd: spmd2 });
    expect(onNode.nodes.find((n) => n.id === `op:${dotOp}`)!.collectives).toEqual([{ kind: 'all-reduce', axes: ['model'], bytes: 4 * 32 * 2, count: 1 }]);
    expect(onNode.edges.every((x) => x.collectives.length === 0)).toBe(true);
    const onGroup = layoutGraph(p, { expanded: [], partition, spmd: spmd2 });
    expect(onGroup.nodes.find((n) => n.id === 'g:mlp')!.collectives.map((c) => c.kind)).toEqual(['all-reduce']);
    const early = layoutGraph(p, { expanded: [], partition, spmd, stage: 0 });
    expect(early.showsCollectives).toBe(false);
    expect(early.edges.every((x) => x.collectives.length === 0)).toBe(true);
  });
});

describe('group overlays when expanded', () => {
  it('an expanded group still reports the share of its values sharded per axis', () => {
    const b = new ProgramBuilder('g');
    const x = b.input('batch/x', { shape: [8, 16], dtype: 'f32' });
    const w = b.input('params/w', { shape: [16, 16], dtype: 'f32' });
    const h = b.scoped('blk', () => b.exp(b.dot(x, w, dot)));
    b.output(h, 'y');
    const p = b.build();
    const tiled: Sharding = { dims: [['batch'], []], partial: [] };
    const rep: Sharding = { dims: [[], []], partial: [] };
    const shardings = p.values.map((v) => (v.def >= 0 || v.id === x ? tiled : rep));
    const partition: PartitionResult = { program: p, mesh: { axes: [{ name: 'batch', size: 2 }] }, shardings, stages: [] };
    for (const expanded of [[], ['blk']]) {
      const g = layoutGraph(p, { expanded, partition }).nodes.find((n) => n.id === 'g:blk')!;
      expect(g.axes).toEqual([{ axis: 'batch', state: 'tiled', fraction: 1 }]);
    }
  });
});

describe('on the zoo transformer', () => {
  it('groups the step by the zoo scopes and lays out every expansion without overlap', async () => {
    const { buildZooModel } = await import('../../core/models/zoo');
    const p = buildZooModel('transformer', { layers: 2, dModel: 32, heads: 4, dFF: 64, seq: 8, vocab: 64, batch: 2 });
    const top = layoutGraph(p, { expanded: [] }).nodes.map((n) => n.id);
    for (const g of ['g:params', 'g:batch', 'g:embed', 'g:layer_0', 'g:layer_1', 'g:final_ln', 'g:loss']) expect(top).toContain(g);
    const all = [...graphModel(p).groupIndex.keys()];
    for (const expanded of [['layer_0', 'layer_0/attn'], ['params', 'params/layer_1', 'params/layer_1/mlp'], all]) {
      const lay = layoutGraph(p, { expanded });
      assertNoSiblingOverlap(lay);
      // every op is visible exactly once, either itself or inside a collapsed group
      // (scalar constants and splats are not drawn: they are attributes of their users)
      const hidden = hiddenLeaves(p).reduce((a, b) => a + b, 0);
      const ops = lay.nodes.reduce((s, n) => s + (n.kind === 'op' ? 1 : n.kind === 'group' && !n.expanded ? n.opCount! : 0), 0);
      expect(ops).toBeLessThanOrEqual(p.ops.length);
      expect(ops).toBeGreaterThanOrEqual(p.ops.length - hidden);
    }
  });
});

describe('visible edges under any expansion (incremental aggregation)', () => {
  const p = syntheticStep(3, 2);
  const m = graphModel(p);
  const allScopes = [...m.groupScope];

  /** Brute force from the drawn nodes alone: the visible stand-in of a leaf is its outermost collapsed (or itself). */
  function bruteEdges(lay: GraphLayout): Map<string, { values: number; bytes: number }> {
    const shown = new Map(lay.nodes.map((n) => [n.id, n]));
    // the groups above a leaf, outermost first (folds included: the model's tree, not the scope string)
    const standIn = (leafId: string, leaf: number): string => {
      for (const s of groupsAbove(m, leaf)) {
        const g = shown.get(`g:${s}`);
        if (g && !g.expanded) return g.id;
      }
      return leafId;
    };
    const leafOf = (v: number): string => {
      const def = p.values[v].def;
      return def >= 0 ? standIn(`op:${def}`, def) : standIn(`in:${v}`, m.nOps + m.inputOfValue.get(v)!);
    };
    const sets = new Map<string, Set<number>>();
    for (const op of p.ops) {
      if (m.hidden[op.id]) continue;
      const b = standIn(`op:${op.id}`, op.id);
      for (const v of op.operands) {
        if (p.values[v].def >= 0 && m.hidden[p.values[v].def]) continue; // drawn as an attribute of op
        const a = leafOf(v);
        if (a === b) continue;
        const k = `${a}->${b}`;
        if (!sets.has(k)) sets.set(k, new Set());
        sets.get(k)!.add(v);
      }
    }
    const bytes = (v: number) => p.values[v].type.shape.reduce((x, y) => x * y, 1) * 4;
    return new Map([...sets].map(([k, vs]) => [k, { values: vs.size, bytes: [...vs].reduce((t, v) => t + bytes(v), 0) }]));
  }

  it('equals a brute-force aggregation for random expansions, in any call order', () => {
    fc.assert(fc.property(fc.array(fc.constantFrom(...allScopes), { maxLength: 8 }), (picked) => {
      // expand each picked scope together with its ancestors, so that it is really open
      const ex = new Set<string>();
      for (const s of picked) {
        ex.add(s);
        for (const up of groupsAbove(m, m.groupIndex.get(s)!)) ex.add(up);
      }
      const lay = layoutGraph(p, { expanded: [...ex] });
      const want = bruteEdges(lay);
      const got = new Map(lay.edges.map((e) => [e.id, { values: e.values, bytes: e.bytes }]));
      expect(got).toEqual(want);
    }), { numRuns: 40 });
  });
});

describe('highlighted values (compare view)', () => {
  const p = syntheticStep(3);
  const v = p.ops.find((o) => o.scope === 'layer_1/mlp')!.results[0];
  const w = p.inputs.find((x) => p.values[x].name === 'params/layer_2/attn/w')!;
  const marked = (lay: GraphLayout) => lay.nodes.filter((n) => n.highlighted).map((n) => [n.id, n.highlighted]);

  it('marks the collapsed group that hides a value, down to the op once it is shown', () => {
    expect(marked(layoutGraph(p, { expanded: [], highlightValues: [v] }))).toEqual([[`g:${FOLD3}`, 1]]);
    expect(marked(layoutGraph(p, { expanded: [FOLD3], highlightValues: [v] }))).toEqual([['g:layer_1', 1]]);
    expect(marked(layoutGraph(p, { expanded: ['layer_1'], highlightValues: [v] }))).toEqual([['g:layer_1/mlp', 1]]);
    const open = layoutGraph(p, { expanded: ['layer_1', 'layer_1/mlp'], highlightValues: [v] });
    expect(marked(open)).toEqual([[`op:${p.values[v].def}`, 1]]);
  });

  it('counts several values in one group and marks inputs under their path group', () => {
    const v2 = p.ops.filter((o) => o.scope === 'layer_1/attn')[1].results[0];
    const lay = layoutGraph(p, { expanded: [FOLD3], highlightValues: [v, v2, w] });
    expect(new Map(marked(lay) as [string, number][])).toEqual(new Map([['g:layer_1', 2], ['g:params', 1]]));
    const shown = layoutGraph(p, { expanded: ['params', 'params/layer_2', 'params/layer_2/attn'], highlightValues: [w] });
    expect(marked(shown)).toEqual([[`in:${w}`, 1]]);
  });

  it('marks nothing without highlightValues, and ignores unknown value ids', () => {
    expect(marked(layoutGraph(p, { expanded: [] }))).toEqual([]);
    expect(marked(layoutGraph(p, { expanded: [], highlightValues: [1e9] }))).toEqual([]);
  });
});

describe('opNodeLabel', () => {
  it('names the op by kind and its value name, else its scope', () => {
    expect(opNodeLabel('dot_general', 'layer_0/mlp/hidden', 'layer_0/mlp')).toBe('dot_general · hidden');
    expect(opNodeLabel('add', undefined, 'layer_3/attn')).toBe('add · attn');
    expect(opNodeLabel('add', undefined, '')).toBe('add');
  });
});

describe('folding look-alike layers and hiding scalar constants', () => {
  /** `layers` blocks `blk_i` of a few ops each; block `odd` gets one op more. Each block scales by a scalar constant. */
  function blocks(layers: number, odd = -1): Program {
    const b = new ProgramBuilder('blocks');
    let x = b.input('batch/x', { shape: [4, D], dtype: 'f32' });
    for (let i = 0; i < layers; i++) {
      b.scoped(`blk_${i}`, () => {
        const w = b.input(`params/blk_${i}/w`, { shape: [D, D], dtype: 'f32' });
        x = b.dot(x, w, dot);
        x = b.mul(x, b.full(x, 0.5));
        if (i === odd) x = b.add(x, x);
      });
    }
    b.output(x, 'y');
    return b.build();
  }

  it('folds a run of look-alike siblings, and a differing one breaks the run and stands out', () => {
    const lay = layoutGraph(blocks(8, 5), { expanded: [] });
    const ids = lay.nodes.map((n) => n.id);
    expect(ids).toEqual(expect.arrayContaining(['g:blk_0…blk_4', 'g:blk_5', 'g:params']));
    // blk_6, blk_7: a run of two stays unfolded (FOLD_MIN is 3)
    expect(ids).toEqual(expect.arrayContaining(['g:blk_6', 'g:blk_7']));
    expect(lay.nodes.find((n) => n.id === 'g:blk_0…blk_4')!.folded).toBe(5);
    // the parameters fold the same way under params/ (all blocks have the same inputs)
    const params = layoutGraph(blocks(8, 5), { expanded: ['params'] });
    expect(params.nodes.find((n) => n.id === 'g:params/blk_0…blk_7')?.folded).toBe(8);
  });

  it('opens a fold in place: its members appear inside it, laid out without overlap', () => {
    const p = blocks(6);
    const lay = layoutGraph(p, { expanded: ['blk_0…blk_5'] });
    const kids = lay.nodes.filter((n) => n.parent === 'g:blk_0…blk_5').map((n) => n.id);
    expect(kids).toEqual(['g:blk_0', 'g:blk_1', 'g:blk_2', 'g:blk_3', 'g:blk_4', 'g:blk_5']);
    assertNoSiblingOverlap(lay);
    // asking for a member opens its fold too (a search hit, an old link)
    const member = layoutGraph(p, { expanded: ['blk_3'] });
    expect(member.expanded).toEqual(expect.arrayContaining(['blk_0…blk_5', 'blk_3']));
    expect(member.nodes.some((n) => n.parent === 'g:blk_3' && n.kind === 'op')).toBe(true);
  });

  it('draws scalar constants and splats as attributes of the op that uses them', () => {
    const p = blocks(1);
    const lay = layoutGraph(p, { expanded: ['blk_0'] });
    const kinds = lay.nodes.filter((n) => n.kind === 'op').map((n) => n.opKind);
    expect(kinds).not.toContain('constant');
    expect(kinds).not.toContain('broadcast_in_dim');
    const mul = lay.nodes.find((n) => n.opKind === 'multiply')!;
    expect(mul.constants).toEqual(['0.5 · f32[4, 8]']);
    // and no edge starts at a node that is not drawn
    const ids = new Set(lay.nodes.map((n) => n.id));
    for (const e of lay.edges) expect(ids.has(e.source) && ids.has(e.target), e.id).toBe(true);
  });
});

describe('searchGraph (go to value or op by name or path)', () => {
  const p = syntheticStep(4);

  it('finds groups, inputs and ops by any part of their path, groups first, with the groups to open', () => {
    const r = searchGraph(p, 'LAYER_2/MLP');
    expect(r.total).toBeGreaterThan(3);
    expect(r.hits[0]).toMatchObject({ nodeId: 'g:layer_2/mlp', kind: 'group', reveal: ['layer_0…layer_3', 'layer_2'] });
    const input = r.hits.find((h) => h.kind === 'input')!;
    expect(input.text).toBe('params/layer_2/mlp/w');
    expect(input.reveal).toEqual(['params', 'params/layer_0…layer_3', 'params/layer_2', 'params/layer_2/mlp']);
    // opening what a hit names shows its node
    const op = r.hits.find((h) => h.kind === 'op')!;
    const lay = layoutGraph(p, { expanded: [...op.reveal] });
    expect(lay.nodes.some((n) => n.id === op.nodeId)).toBe(true);
    // a hit opens the same groups as "reveal this op" from anywhere else (one home: model.ts groupsAbove)
    for (const h of searchGraph(p, 'mlp').hits.filter((x) => x.kind === 'op')) {
      expect(h.reveal).toEqual(groupsToReveal(p, Number(h.nodeId.slice(3))));
    }
  });

  it('lists at most `limit` hits, counts them all, and finds nothing for a blank query or an unknown name', () => {
    const r = searchGraph(p, 'layer', 5);
    expect(r.hits.length).toBe(5);
    expect(r.total).toBeGreaterThan(5);
    expect(searchGraph(p, '  ').total).toBe(0);
    expect(searchGraph(p, 'no-such-thing').total).toBe(0);
  });
});

describe('folds respect the sharding', () => {
  const cfg = (tactics: string): Config => ({
    version: 1,
    model: { zoo: 'transformer', params: { layers: 8, dModel: 64, heads: 4, dFF: 256, seq: 32, vocab: 128, batch: 8 } },
    mesh: { axes: [{ name: 'batch', size: 2 }, { name: 'model', size: 2 }] },
    hardware: { preset: 'tpu-v5p' },
    tactics,
  });
  const BP = 'BP = BatchParallel(axis="batch")\n';

  it('folds layers sharded alike, and a layer sharded differently breaks the run and stands out', () => {
    const same = runPipeline(cfg(`${BP}MP = Megatron(axis="model")\nschedule = [BP, MP]`));
    const all = layoutGraph(same.program, { expanded: [], partition: same.partition });
    expect(all.nodes.find((n) => n.id === 'g:layer_0…layer_7')?.folded).toBe(8);
    // Megatron on layer 5's MLP only: layer 5 stands alone, layers 0–4 still fold, 6 and 7 are a run of two
    const one = runPipeline(cfg(`${BP}M5 = ManualPartition(inputs={"params/layer_5/mlp/w_in": 1, "params/layer_5/mlp/w_out": 0}, axis="model")\nschedule = [BP, M5]`));
    const lay = layoutGraph(one.program, { expanded: [], partition: one.partition });
    const ids = lay.nodes.map((n) => n.id);
    expect(ids).toEqual(expect.arrayContaining(['g:layer_0…layer_4', 'g:layer_5', 'g:layer_6', 'g:layer_7']));
    expect(lay.nodes.find((n) => n.id === 'g:layer_0…layer_4')!.folded).toBe(5);
    expect(ids).not.toContain('g:layer_0…layer_7');
    // the program alone (no strategy) folds by structure, as before
    expect(layoutGraph(one.program, { expanded: [] }).nodes.some((n) => n.id === 'g:layer_0…layer_7')).toBe(true);
    // search and reveal use the same folds as the layout: layer_3's groups to open name the 0–4 fold
    const op = one.program.ops.find((o) => o.scope.startsWith('layer_3/'))!;
    expect(groupsToReveal(one.program, op.id, one.partition.shardings)[0]).toBe('layer_0…layer_4');
    expect(searchGraph(one.program, 'layer_6', 5, one.partition.shardings).hits[0].reveal).not.toContain('layer_0…layer_7');
  });
});

describe('visible steps of layoutGraph', () => {
  const p = syntheticStep(3);
  const m = graphModel(p);

  it('expands a group only with all its ancestors, and opens the fold around an asked-for layer', () => {
    const idOf = (s: string) => m.groupIndex.get(s)!;
    // layer_0/attn without layer_0: not expanded, but the fold it sits in opens by itself
    expect([...expandedGroups(m, ['layer_0/attn'])]).toEqual([idOf(FOLD3)]);
    const opened = expandedGroups(m, ['layer_1']);
    expect(opened.has(idOf('layer_1'))).toBe(true);
    expect(opened.has(idOf(FOLD3))).toBe(true);
  });

  it('stands every node for a placed node: itself when its parent is open, else a collapsed ancestor', () => {
    for (const asked of [[], ['layer_1'], ['layer_1', 'layer_1/mlp'], ['params', 'params/layer_0']]) {
      const expanded = expandedGroups(m, asked);
      const rep = representatives(m, expanded);
      const placed = new Set(placeVisible(m, layoutGroup(m, -1, expanded), expanded).visible);
      for (let n = 0; n < m.nNodes; n++) {
        if (n < m.nOps + m.nInputs && m.hidden[n]) continue;
        expect(placed.has(rep[n])).toBe(true);
        if (rep[n] !== n) expect(expanded.has(rep[n])).toBe(false);
        // the representative is n itself or one of its ancestors
        let a = n;
        while (a !== rep[n] && a >= 0) a = m.parent[a];
        expect(a).toBe(rep[n]);
      }
    }
  });
});
