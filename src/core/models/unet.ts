/**
 * `unet`: a diffusion UNet training step (noise prediction, mean squared error), NHWC with HWIO
 * kernels, laid out as DDPM's UNet (Ho et al. 2020), the form the PartIR paper's §7.1 describes: "9
 * residual blocks for the down-sampling convolutions and 12 for up-sampling, and between them, there
 * are two residual blocks and one attention layer with 16 heads" — `levels` = 3 resolutions with
 * `resBlocks` = 3 residual blocks each on the way down (9) and `resBlocks` + 1 on the way up (12), as
 * DDPM does: every down block's output, every down-sampled map and the input convolution's output
 * are kept as skips, and each up block concatenates one of them.
 *
 * `batch/x` [batch, size, size, channels] is the noisy image, `batch/t` i32 [batch] its timestep and
 * `batch/noise` the target. The timestep picks a row of a learned table (`params/time_embed/table`),
 * refined by a two-layer SiLU MLP and added into every residual block. Level l has base · 2^l
 * channels; between levels, a stride-2 3×3 convolution down and a nearest up-sampling (a broadcast and
 * a reshape) followed by a 3×3 convolution up. The middle is a residual block, `heads`-head
 * self-attention over the pixels and another residual block (`mid/...`). A residual block is GroupNorm
 * → SiLU → 3×3 conv, + the timestep's per-channel shift, GroupNorm → SiLU → 3×3 conv, with a 1×1
 * convolution on the residual path where the channel count changes. The output is GroupNorm → SiLU →
 * 3×3 convolution back to `channels`.
 */
import { ProgramBuilder } from '../ir/builder';
import type { ConvDims, Program, ValueId } from '../ir/types';
import { dense, mean, meanSquaredError } from './layers';
import { silu } from './llama';
import { computeDtype } from './optimizer';
import { finishStep, optimizerStateFor, type TrainingOptions } from './stepParts';

export interface UnetConfig extends TrainingOptions {
  readonly batch: number;
  /** Height and width of the image; divisible by 2^(levels − 1). */
  readonly size: number;
  readonly channels: number;
  /** Channels at the top level; level l has base · 2^l. */
  readonly base: number;
  readonly levels: number;
  /** Residual blocks per level on the way down (one more on the way up). */
  readonly resBlocks: number;
  /** Heads of the middle attention layer; divides the lowest level's channels. */
  readonly heads: number;
  /** GroupNorm groups; divides base. */
  readonly groups: number;
  readonly timesteps: number;
}

/** NHWC input, HWIO kernel, square window, symmetric padding. */
export function convDims(stride: number, pad: number): ConvDims {
  return {
    inputBatch: 0, inputFeature: 3, inputSpatial: [1, 2],
    kernelInputFeature: 2, kernelOutputFeature: 3, kernelSpatial: [0, 1],
    outputBatch: 0, outputFeature: 3, outputSpatial: [1, 2],
    strides: [stride, stride], padding: [[pad, pad], [pad, pad]],
    lhsDilation: [1, 1], rhsDilation: [1, 1], featureGroupCount: 1, batchGroupCount: 1,
  };
}

/** GroupNorm over (H, W, channels of a group) of x [b, H, W, c], with per-channel scale and bias. */
export function groupNorm(b: ProgramBuilder, x: ValueId, groups: number, gamma: ValueId, beta: ValueId, eps = 1e-5): ValueId {
  const shape = b.shape(x);
  const [n, H, W, ch] = shape;
  const g = b.reshape(x, [n, H, W, groups, ch / groups]);
  const gs = b.shape(g);
  const keep = [0, 3];
  const mu = mean(b, g, [1, 2, 4]);
  const xc = b.sub(g, b.broadcast(mu, gs, keep));
  const variance = mean(b, b.mul(xc, xc), [1, 2, 4]);
  const inv = b.unary('rsqrt', b.add(variance, b.full(variance, eps)));
  const y = b.reshape(b.mul(xc, b.broadcast(inv, gs, keep)), shape);
  return b.add(b.mul(y, b.broadcastTo(gamma, shape)), b.broadcastTo(beta, shape));
}

interface Ctx {
  readonly b: ProgramBuilder;
  readonly c: UnetConfig;
  readonly params: ValueId[];
  readonly dt: 'f32' | 'bf16';
}

function param(ctx: Ctx, path: string, shape: number[]): ValueId {
  const v = ctx.b.input(`params/${path}`, { shape, dtype: ctx.dt });
  ctx.params.push(v);
  return v;
}

interface Conv { w: ValueId; bias: ValueId; stride: number; pad: number }
const declareConv = (ctx: Ctx, path: string, k: number, cin: number, cout: number, stride = 1): Conv =>
  ({ w: param(ctx, `${path}/w`, [k, k, cin, cout]), bias: param(ctx, `${path}/b`, [cout]), stride, pad: (k - 1) / 2 });

function conv(b: ProgramBuilder, x: ValueId, cv: Conv): ValueId {
  const y = b.emit1('convolution', [x, cv.w], convDims(cv.stride, cv.pad));
  return b.add(y, b.broadcastTo(cv.bias, b.shape(y)));
}

interface Norm { scale: ValueId; bias: ValueId }
const declareNorm = (ctx: Ctx, path: string, ch: number): Norm =>
  ({ scale: param(ctx, `${path}/scale`, [ch]), bias: param(ctx, `${path}/bias`, [ch]) });

interface ResBlock {
  norm1: Norm; conv1: Conv; time: { w: ValueId; b: ValueId }; norm2: Norm; conv2: Conv; skip?: Conv;
}

function declareRes(ctx: Ctx, path: string, cin: number, cout: number, tDim: number): ResBlock {
  return {
    norm1: declareNorm(ctx, `${path}/norm1`, cin),
    conv1: declareConv(ctx, `${path}/conv1`, 3, cin, cout),
    time: { w: param(ctx, `${path}/time/w`, [tDim, cout]), b: param(ctx, `${path}/time/b`, [cout]) },
    norm2: declareNorm(ctx, `${path}/norm2`, cout),
    conv2: declareConv(ctx, `${path}/conv2`, 3, cout, cout),
    skip: cin === cout ? undefined : declareConv(ctx, `${path}/skip`, 1, cin, cout),
  };
}

function resBlock(ctx: Ctx, x: ValueId, p: ResBlock, temb: ValueId): ValueId {
  const { b, c } = ctx;
  let h = conv(b, silu(b, groupNorm(b, x, c.groups, p.norm1.scale, p.norm1.bias)), p.conv1);
  const shape = b.shape(h);
  // The timestep's per-channel shift, broadcast over the pixels.
  h = b.add(h, b.broadcast(dense(b, temb, p.time.w, p.time.b), shape, [0, 3]));
  h = conv(b, silu(b, groupNorm(b, h, c.groups, p.norm2.scale, p.norm2.bias)), p.conv2);
  return b.add(p.skip ? conv(b, x, p.skip) : x, h);
}

interface Attn { norm: Norm; wq: ValueId; wk: ValueId; wv: ValueId; wo: ValueId }
function declareAttn(ctx: Ctx, path: string, ch: number, heads: number): Attn {
  const d = ch / heads;
  return {
    norm: declareNorm(ctx, `${path}/norm`, ch),
    wq: param(ctx, `${path}/wq`, [ch, heads, d]), wk: param(ctx, `${path}/wk`, [ch, heads, d]),
    wv: param(ctx, `${path}/wv`, [ch, heads, d]), wo: param(ctx, `${path}/wo`, [heads, d, ch]),
  };
}

/** Multi-head self-attention over the H·W pixels, with a residual. */
function selfAttention(ctx: Ctx, x: ValueId, p: Attn): ValueId {
  const { b, c } = ctx;
  const [n, H, W, ch] = b.shape(x);
  const seq = b.reshape(groupNorm(b, x, c.groups, p.norm.scale, p.norm.bias), [n, H * W, ch]);
  const q = dense(b, seq, p.wq), k = dense(b, seq, p.wk), v = dense(b, seq, p.wv);
  const o = b.emit1('attention', [q, k, v], { causal: false, scale: 1 / Math.sqrt(ch / c.heads) });
  const out = b.dot(o, p.wo, { lhsBatch: [], rhsBatch: [], lhsContract: [2, 3], rhsContract: [0, 1] });
  return b.add(x, b.reshape(out, [n, H, W, ch]));
}

/** Nearest-neighbour 2× up-sampling: [b, H, W, c] → broadcast [b, H, 2, W, 2, c] → reshape. */
function upsample(b: ProgramBuilder, x: ValueId): ValueId {
  const [n, H, W, ch] = b.shape(x);
  return b.reshape(b.broadcast(x, [n, H, 2, W, 2, ch], [0, 1, 3, 5]), [n, 2 * H, 2 * W, ch]);
}

export function buildUnet(c: UnetConfig): Program {
  const b = new ProgramBuilder('unet');
  const dt = computeDtype(c.precision);
  const ctx: Ctx = { b, c, params: [], dt };
  const tDim = 4 * c.base;
  const width = (l: number) => c.base * 2 ** l;
  const top = c.levels - 1;
  const blocks = (n: number) => Array.from({ length: n }, (_, i) => i);

  const timeTable = param(ctx, 'time_embed/table', [c.timesteps, c.base]);
  const timeMlp = {
    w1: param(ctx, 'time_embed/w1', [c.base, tDim]), b1: param(ctx, 'time_embed/b1', [tDim]),
    w2: param(ctx, 'time_embed/w2', [tDim, tDim]), b2: param(ctx, 'time_embed/b2', [tDim]),
  };
  const inConv = declareConv(ctx, 'in_conv', 3, c.channels, c.base);
  // The channels of each skip, in the order the down path keeps them (the up path takes them back).
  const skipWidths = [c.base];
  const down = blocks(c.levels).map((l) => {
    const res = blocks(c.resBlocks).map((i) => {
      skipWidths.push(width(l));
      return declareRes(ctx, `down_${l}/res_${i}`, i === 0 ? width(Math.max(l - 1, 0)) : width(l), width(l), tDim);
    });
    if (l < top) skipWidths.push(width(l));
    return { res, down: l < top ? declareConv(ctx, `down_${l}/down`, 3, width(l), width(l), 2) : undefined };
  });
  const mid = {
    res1: declareRes(ctx, 'mid/res1', width(top), width(top), tDim),
    attn: declareAttn(ctx, 'mid/attn', width(top), c.heads),
    res2: declareRes(ctx, 'mid/res2', width(top), width(top), tDim),
  };
  const up = new Map<number, { res: ResBlock[]; up?: Conv }>();
  let ch = width(top);
  for (let l = top; l >= 0; l--) {
    const res = blocks(c.resBlocks + 1).map((i) => {
      const r = declareRes(ctx, `up_${l}/res_${i}`, ch + (skipWidths.pop() as number), width(l), tDim);
      ch = width(l);
      return r;
    });
    up.set(l, { res, up: l > 0 ? declareConv(ctx, `up_${l}/up`, 3, width(l), width(l)) : undefined });
  }
  const outNorm = declareNorm(ctx, 'out_norm', c.base);
  const outConv = declareConv(ctx, 'out_conv', 3, c.base, c.channels);

  const state = optimizerStateFor(b, ctx.params, c);
  const x = b.input('batch/x', { shape: [c.batch, c.size, c.size, c.channels], dtype: dt });
  const t = b.input('batch/t', { shape: [c.batch], dtype: 'i32' });
  const noise = b.input('batch/noise', { shape: [c.batch, c.size, c.size, c.channels], dtype: dt });

  const temb = b.scoped('time_embed', () => {
    const row = b.emit1('gather', [timeTable, t], { axis: 0 });
    return b.setName(dense(b, silu(b, dense(b, row, timeMlp.w1, timeMlp.b1)), timeMlp.w2, timeMlp.b2), 'time_embed/out');
  });
  let h = b.scoped('in_conv', () => conv(b, x, inConv));
  const skips: ValueId[] = [h];
  down.forEach((p, l) => {
    h = b.scoped(`down_${l}`, () => {
      let r = h;
      p.res.forEach((res) => { r = resBlock(ctx, r, res, temb); skips.push(r); });
      b.setName(r, `down_${l}/out`);
      if (!p.down) return r;
      const d = conv(b, r, p.down);
      skips.push(d);
      return d;
    });
  });
  h = b.scoped('mid', () => {
    const r1 = resBlock(ctx, h, mid.res1, temb);
    const a = b.setName(selfAttention(ctx, r1, mid.attn), 'mid/attn/out');
    return b.setName(resBlock(ctx, a, mid.res2, temb), 'mid/out');
  });
  for (let l = top; l >= 0; l--) {
    const p = up.get(l) as { res: ResBlock[]; up?: Conv };
    h = b.scoped(`up_${l}`, () => {
      let r = h;
      p.res.forEach((res) => { r = resBlock(ctx, b.emit1('concatenate', [r, skips.pop() as ValueId], { dim: 3 }), res, temb); });
      b.setName(r, `up_${l}/out`);
      return p.up ? conv(b, upsample(b, r), p.up) : r;
    });
  }
  const pred = b.scoped('out', () => b.setName(conv(b, silu(b, groupNorm(b, h, c.groups, outNorm.scale, outNorm.bias)), outConv), 'prediction'));
  const loss = b.scoped('loss', () => b.convert(meanSquaredError(b, pred, noise), 'f32'));
  finishStep(b, loss, ctx.params, state, { value: pred, name: 'prediction' });
  return b.build();
}
