/**
 * `gns`: a Graph Network Simulator training step (Sanchez-Gonzalez et al., encode–process–decode).
 * A batch of graphs is one big graph, as in jraph: `batch/nodes` [nodes, nodeIn], `batch/edges`
 * [edges, edgeIn], `batch/senders` and `batch/receivers` i32 [edges], `batch/targets` [nodes, out]
 * (per-node accelerations, mean squared error). Encoder MLPs lift nodes and edges to `latent`; each
 * of `steps` message-passing blocks gathers sender and receiver features per edge, runs an edge MLP
 * on [edge, sender, receiver], scatter-adds the messages into their receivers, runs a node MLP on
 * [node, aggregate], and adds both results back (residuals); a decoder MLP reads the nodes out.
 * Every MLP is Linear → GELU → Linear (→ LayerNorm, except the decoder).
 * Sharding the edge dim (EdgeShard) makes each device gather for its edges and turns the
 * scatter-add into a partial sum over the axis.
 */
import { ProgramBuilder } from '../ir/builder';
import type { Program, ValueId } from '../ir/types';
import { dense, gelu, layerNorm, meanSquaredError } from './layers';
import { computeDtype } from './optimizer';
import { finishStep, optimizerStateFor, paramInputs, type TrainingOptions } from './stepParts';

export interface GnsConfig extends TrainingOptions {
  readonly nodes: number;
  readonly edges: number;
  readonly nodeIn: number;
  readonly edgeIn: number;
  readonly latent: number;
  readonly steps: number;
  readonly out: number;
}

interface Mlp { w0: ValueId; b0: ValueId; w1: ValueId; b1: ValueId; ln?: { scale: ValueId; bias: ValueId } }

export function buildGns(c: GnsConfig): Program {
  const b = new ProgramBuilder('gns');
  const dt = computeDtype(c.precision);
  const L = c.latent;
  const { params, param } = paramInputs(b, dt);
  const mlp = (path: string, dIn: number, dOut: number, norm = true): Mlp => ({
    w0: param(`${path}/w0`, [dIn, L]), b0: param(`${path}/b0`, [L]),
    w1: param(`${path}/w1`, [L, dOut]), b1: param(`${path}/b1`, [dOut]),
    ln: norm ? { scale: param(`${path}/ln/scale`, [dOut]), bias: param(`${path}/ln/bias`, [dOut]) } : undefined,
  });
  const encNode = mlp('encoder/node_mlp', c.nodeIn, L);
  const encEdge = mlp('encoder/edge_mlp', c.edgeIn, L);
  const steps = Array.from({ length: c.steps }, (_, i) => ({
    edge: mlp(`step_${i}/edge_mlp`, 3 * L, L),
    node: mlp(`step_${i}/node_mlp`, 2 * L, L),
  }));
  const decoder = mlp('decoder/mlp', L, c.out, false);
  const state = optimizerStateFor(b, params, c);
  const nodes = b.input('batch/nodes', { shape: [c.nodes, c.nodeIn], dtype: dt });
  const edges = b.input('batch/edges', { shape: [c.edges, c.edgeIn], dtype: dt });
  const senders = b.input('batch/senders', { shape: [c.edges], dtype: 'i32' });
  const receivers = b.input('batch/receivers', { shape: [c.edges], dtype: 'i32' });
  const targets = b.input('batch/targets', { shape: [c.nodes, c.out], dtype: dt });

  const run = (x: ValueId, p: Mlp): ValueId => {
    const y = dense(b, gelu(b, dense(b, x, p.w0, p.b0)), p.w1, p.b1);
    return p.ln ? layerNorm(b, y, p.ln.scale, p.ln.bias) : y;
  };
  let h = b.scoped('encoder/node', () => b.setName(run(nodes, encNode), 'encoder/nodes'));
  let e = b.scoped('encoder/edge', () => b.setName(run(edges, encEdge), 'encoder/edges'));
  steps.forEach((p, i) => {
    const s = `step_${i}`;
    const messages = b.scoped(`${s}/edge`, () => {
      const fromSender = b.setName(b.emit1('gather', [h, senders], { axis: 0 }), `${s}/sender_features`);
      const atReceiver = b.setName(b.emit1('gather', [h, receivers], { axis: 0 }), `${s}/receiver_features`);
      const input = b.emit1('concatenate', [e, fromSender, atReceiver], { dim: 1 });
      return b.setName(run(input, p.edge), `${s}/messages`);
    });
    const updated = b.scoped(`${s}/node`, () => {
      const aggregate = b.setName(b.emit1('scatter', [b.constant(0, [c.nodes, L], dt), receivers, messages], { axis: 0 }), `${s}/aggregate`);
      const input = b.emit1('concatenate', [h, aggregate], { dim: 1 });
      return run(input, p.node);
    });
    h = b.scoped(s, () => b.setName(b.add(h, updated), `${s}/nodes`));
    e = b.scoped(s, () => b.setName(b.add(e, messages), `${s}/edges`));
  });
  const pred = b.scoped('decoder', () => b.setName(run(h, decoder), 'prediction'));
  const loss = b.scoped('loss', () => b.convert(meanSquaredError(b, pred, targets), 'f32'));
  finishStep(b, loss, params, state, { value: pred, name: 'prediction' });
  return b.build();
}
