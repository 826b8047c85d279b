/**
 * `gns`: a Graph Network Simulator training step for molecular property prediction, the PartIR
 * paper's GNS (§7.1: "5 MLP layers of hidden size 1024 … 24 message-passing steps and a latent size of
 * 512. Each graph contains 2048 nodes and varying number of edges between 8192 and 65536"), built as
 * jraph builds an encode–process–decode GraphNetwork. A batch of `graphs` graphs is one big graph:
 * `batch/nodes` [nodes, nodeIn], `batch/edges` [edges, edgeIn], `batch/senders` and
 * `batch/receivers` i32 [edges], `batch/node_graph` i32 [nodes] (the graph of each node) and
 * `batch/targets` [graphs, out] (one property vector per graph, mean squared error).
 *
 * Every block is a jraph GraphNetwork, with edge, node and global updates:
 *  - edge update: an MLP on [edge, sender node, receiver node, its graph's globals];
 *  - node update: an MLP on [node, sum of its incoming edges (scatter-add by receiver), its graph's globals];
 *  - global update: an MLP on [globals, sum of the graph's nodes, sum of the graph's edges].
 * The encoder is such a block over the raw features (no globals yet: its edge update reads the edge
 * features only); each of `steps` processor blocks adds its updates back (residuals); the decoder is a
 * global update only, read out per graph. Every MLP is `mlpLayers` Linear layers (GELU between them,
 * `hidden` wide, the last one `latent` wide) and a LayerNorm, except the decoder's (no LayerNorm, `out`
 * wide).
 *
 * Sharding the edge dim (EdgeShard) makes each device gather node and global features for its edges
 * and turns every sum over edges (into nodes and into globals) into a partial sum over the axis; the
 * backward pass of the per-edge gathers sums their cotangents over edges, partial again. That is
 * where the paper's 423 all-reduces come from (src/core/models/paperTable3.test.ts counts them).
 */
import { ProgramBuilder } from '../ir/builder';
import type { Program, ValueId } from '../ir/types';
import { dense, gelu, layerNorm, meanSquaredError } from './layers';
import { computeDtype } from './optimizer';
import { finishStep, optimizerStateFor, paramInputs, type TrainingOptions } from './stepParts';

export interface GnsConfig extends TrainingOptions {
  /** Graphs per batch; `nodes` and `edges` count all of them. */
  readonly graphs: number;
  readonly nodes: number;
  readonly edges: number;
  readonly nodeIn: number;
  readonly edgeIn: number;
  readonly latent: number;
  /** Width of the hidden layers of every MLP. */
  readonly hidden: number;
  /** Linear layers per MLP (≥ 1). */
  readonly mlpLayers: number;
  readonly steps: number;
  readonly out: number;
}

interface Mlp { readonly layers: readonly { w: ValueId; b: ValueId }[]; readonly ln?: { scale: ValueId; bias: ValueId } }

/** The three update MLPs of one GraphNetwork block; an absent one leaves its features unchanged. */
interface Block { readonly edge?: Mlp; readonly node?: Mlp; readonly global: Mlp }

export function buildGns(c: GnsConfig): Program {
  const b = new ProgramBuilder('gns');
  const dt = computeDtype(c.precision);
  const L = c.latent;
  const { params, param } = paramInputs(b, dt);
  const mlp = (path: string, dIn: number, dOut: number, norm = true): Mlp => ({
    layers: Array.from({ length: c.mlpLayers }, (_, i) => {
      const from = i === 0 ? dIn : c.hidden, to = i === c.mlpLayers - 1 ? dOut : c.hidden;
      return { w: param(`${path}/w${i}`, [from, to]), b: param(`${path}/b${i}`, [to]) };
    }),
    ln: norm ? { scale: param(`${path}/ln/scale`, [dOut]), bias: param(`${path}/ln/bias`, [dOut]) } : undefined,
  });
  // The encoder's edge update reads the raw edge features, its node update the raw nodes and the
  // summed encoded edges, its global update the summed encoded nodes and edges.
  const encoder: Block = {
    edge: mlp('encoder/edge_mlp', c.edgeIn, L), node: mlp('encoder/node_mlp', c.nodeIn + L, L), global: mlp('encoder/global_mlp', 2 * L, L),
  };
  const steps: Block[] = Array.from({ length: c.steps }, (_, i) => ({
    edge: mlp(`step_${i}/edge_mlp`, 4 * L, L), node: mlp(`step_${i}/node_mlp`, 3 * L, L), global: mlp(`step_${i}/global_mlp`, 3 * L, L),
  }));
  const decoder: Block = { global: mlp('decoder/global_mlp', 3 * L, c.out, false) };
  const state = optimizerStateFor(b, params, c);
  const nodes = b.input('batch/nodes', { shape: [c.nodes, c.nodeIn], dtype: dt });
  const edges = b.input('batch/edges', { shape: [c.edges, c.edgeIn], dtype: dt });
  const senders = b.input('batch/senders', { shape: [c.edges], dtype: 'i32' });
  const receivers = b.input('batch/receivers', { shape: [c.edges], dtype: 'i32' });
  const nodeGraph = b.input('batch/node_graph', { shape: [c.nodes], dtype: 'i32' });
  const targets = b.input('batch/targets', { shape: [c.graphs, c.out], dtype: dt });

  const run = (x: ValueId, p: Mlp): ValueId => {
    let y = x;
    p.layers.forEach((l, i) => { y = dense(b, i === 0 ? y : gelu(b, y), l.w, l.b); });
    return p.ln ? layerNorm(b, y, p.ln.scale, p.ln.bias) : y;
  };
  const gather = (table: ValueId, index: ValueId) => b.emit1('gather', [table, index], { axis: 0 });
  /** jraph's segment_sum: rows of `x` added into `count` segments by `index`. */
  const segmentSum = (x: ValueId, index: ValueId, count: number) =>
    b.emit1('scatter', [b.constant(0, [count, b.shape(x)[1]], dt), index, x], { axis: 0 });
  const concat = (xs: ValueId[]) => (xs.length === 1 ? xs[0] : b.emit1('concatenate', xs, { dim: 1 }));
  // An edge's graph is its sender's graph (jraph derives it from the per-graph edge counts).
  const edgeGraph = b.scoped('graph_index', () => b.setName(gather(nodeGraph, senders), 'edge_graph'));

  interface Graph { h: ValueId; e: ValueId; g?: ValueId }
  /** One GraphNetwork block on (h, e, g): the updated features, each under `${s}/…`. */
  const block = (s: string, p: Block, x: Graph): Graph => {
    const perEdge = (g: ValueId | undefined) => (g === undefined ? [] : [gather(g, edgeGraph)]);
    const e = p.edge === undefined ? x.e : b.scoped(`${s}/edge`, () => b.setName(run(concat(x.g === undefined
      ? [x.e]
      : [x.e, b.setName(gather(x.h, senders), `${s}/sender_features`), b.setName(gather(x.h, receivers), `${s}/receiver_features`), ...perEdge(x.g)]), p.edge as Mlp), `${s}/messages`));
    const h = p.node === undefined ? x.h : b.scoped(`${s}/node`, () => {
      const aggregate = b.setName(segmentSum(e, receivers, c.nodes), `${s}/aggregate`);
      return run(concat([x.h, aggregate, ...(x.g === undefined ? [] : [gather(x.g, nodeGraph)])]), p.node as Mlp);
    });
    const g = b.scoped(`${s}/global`, () => run(concat([
      ...(x.g === undefined ? [] : [x.g]), segmentSum(h, nodeGraph, c.graphs), segmentSum(e, edgeGraph, c.graphs),
    ]), p.global));
    return { h, e, g };
  };

  const enc = block('encoder', encoder, { h: nodes, e: edges });
  let x: Graph = {
    h: b.setName(enc.h, 'encoder/nodes'), e: b.setName(enc.e, 'encoder/edges'), g: b.setName(enc.g as ValueId, 'encoder/globals'),
  };
  steps.forEach((p, i) => {
    const s = `step_${i}`;
    const u = block(s, p, x);
    x = b.scoped(s, () => ({
      h: b.setName(b.add(x.h, u.h), `${s}/nodes`), e: b.setName(b.add(x.e, u.e), `${s}/edges`),
      g: b.setName(b.add(x.g as ValueId, u.g as ValueId), `${s}/globals`),
    }));
  });
  const pred = b.setName(block('decoder', decoder, x).g as ValueId, 'prediction');
  const loss = b.scoped('loss', () => b.convert(meanSquaredError(b, pred, targets), 'f32'));
  finishStep(b, loss, params, state, { value: pred, name: 'prediction' });
  return b.build();
}
