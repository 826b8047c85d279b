import { describe, expect, it } from 'vitest';
import { ProgramBuilder } from '../ir/builder';
import type { ConvDims, TensorType } from '../ir/types';
import { runProgram } from './reference';

const f32 = (...shape: number[]): TensorType => ({ shape, dtype: 'f32' });

function conv(lhs: { shape: number[]; data: number[] }, rhs: { shape: number[]; data: number[] }, d: ConvDims): { shape: readonly number[]; data: number[] } {
  const b = new ProgramBuilder('conv');
  const l = b.input('lhs', f32(...lhs.shape)), r = b.input('rhs', f32(...rhs.shape));
  const o = b.emit1('convolution', [l, r], d);
  b.output(o, 'out');
  const out = runProgram(b.build(), [Float32Array.from(lhs.data), Float32Array.from(rhs.data)])[0];
  return { shape: b.shape(o), data: Array.from(out) };
}

/** 1-D NCW / OIW dimension numbers with the given window attributes. */
function ncw(o: Partial<ConvDims> = {}): ConvDims {
  return {
    inputBatch: 0, inputFeature: 1, inputSpatial: [2], kernelOutputFeature: 0, kernelInputFeature: 1, kernelSpatial: [2],
    outputBatch: 0, outputFeature: 1, outputSpatial: [2], strides: [1], padding: [[0, 0]], lhsDilation: [1], rhsDilation: [1],
    featureGroupCount: 1, batchGroupCount: 1, ...o,
  };
}

describe('convolution, hand-computed 1-D cases', () => {
  const x = { shape: [1, 1, 4], data: [1, 2, 3, 4] };
  const k11 = { shape: [1, 1, 2], data: [1, 1] };
  it('valid window', () => expect(conv(x, k11, ncw()).data).toEqual([3, 5, 7]));
  it('padding', () => expect(conv(x, k11, ncw({ padding: [[1, 1]] })).data).toEqual([1, 3, 5, 7, 4]));
  it('negative padding trims', () => expect(conv(x, k11, ncw({ padding: [[-1, 0]] })).data).toEqual([5, 7]));
  it('stride', () => expect(conv(x, k11, ncw({ strides: [2] })).data).toEqual([3, 7]));
  it('rhs (window) dilation', () => expect(conv(x, k11, ncw({ rhsDilation: [2] })).data).toEqual([4, 6]));
  it('lhs (input) dilation', () => expect(conv(x, k11, ncw({ lhsDilation: [2] })).data).toEqual([1, 2, 2, 3, 3, 4]));
  it('kernel is not flipped (cross-correlation)', () => expect(conv(x, { shape: [1, 1, 2], data: [1, 0] }, ncw()).data).toEqual([1, 2, 3]));
  it('feature groups', () => {
    const r = conv({ shape: [1, 2, 2], data: [1, 2, 10, 20] }, { shape: [2, 1, 1], data: [1, 2] }, ncw({ featureGroupCount: 2 }));
    expect(r.shape).toEqual([1, 2, 2]);
    expect(r.data).toEqual([1, 2, 20, 40]);
  });
  it('batch groups', () => {
    const r = conv({ shape: [2, 1, 2], data: [1, 2, 3, 4] }, { shape: [2, 1, 1], data: [1, 10] }, ncw({ batchGroupCount: 2 }));
    expect(r.shape).toEqual([1, 2, 2]);
    expect(r.data).toEqual([1, 2, 30, 40]);
  });
  it('sums over input features', () => {
    const r = conv({ shape: [1, 2, 2], data: [1, 2, 10, 20] }, { shape: [1, 2, 1], data: [1, 3] }, ncw());
    expect(r.data).toEqual([31, 62]);
  });
});

// ---- an independent 2-D reference: materialise the dilated, padded input, then slide the window ----

type Arr4 = number[][][][]; // [n][c][h][w]

function naiveConvNCHW(x: Arr4, w: Arr4, st: number[], pad: [number, number][], ld: number[], rd: number[], G: number, BG: number): Arr4 {
  // 1. dilate and pad the input (negative padding crops)
  const dil = (n: number, f: number) => (n - 1) * f + 1;
  const H = dil(x[0][0].length, ld[0]), W = dil(x[0][0][0].length, ld[1]);
  const PH = H + pad[0][0] + pad[0][1], PW = W + pad[1][0] + pad[1][1];
  const padded: Arr4 = x.map((img) => img.map((ch) => {
    const g: number[][] = Array.from({ length: PH }, () => new Array<number>(PW).fill(0));
    ch.forEach((row, i) => row.forEach((v, j) => {
      const a = i * ld[0] + pad[0][0], b = j * ld[1] + pad[1][0];
      if (a >= 0 && a < PH && b >= 0 && b < PW) g[a][b] = v;
    }));
    return g;
  }));
  // 2. dilate the kernel
  const KH = dil(w[0][0].length, rd[0]), KW = dil(w[0][0][0].length, rd[1]);
  const wd: Arr4 = w.map((o) => o.map((ch) => {
    const g: number[][] = Array.from({ length: KH }, () => new Array<number>(KW).fill(0));
    ch.forEach((row, i) => row.forEach((v, j) => { g[i * rd[0]][j * rd[1]] = v; }));
    return g;
  }));
  // 3. split into groups, correlate, concatenate output features
  const OF = w.length, Cg = w[0].length;
  const N = x.length / BG;
  const OH = PH < KH ? 0 : Math.floor((PH - KH) / st[0]) + 1, OW = PW < KW ? 0 : Math.floor((PW - KW) / st[1]) + 1;
  const out: Arr4 = [];
  for (let n = 0; n < N; n++) {
    const planes: number[][][] = [];
    for (let o = 0; o < OF; o++) {
      const fg = Math.floor(o / (OF / G)), bg = Math.floor(o / (OF / BG));
      const img = padded[bg * N + n];
      const plane = Array.from({ length: OH }, (_, i) => Array.from({ length: OW }, (_, j) => {
        let s = 0;
        for (let c = 0; c < Cg; c++)
          for (let a = 0; a < KH; a++) for (let b = 0; b < KW; b++) s += img[fg * Cg + c][i * st[0] + a][j * st[1] + b] * wd[o][c][a][b];
        return s;
      }));
      planes.push(plane);
    }
    out.push(planes);
  }
  return out;
}

function rand(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return Math.round(((s / 2 ** 32) * 2 - 1) * 8) / 4; // small multiples of 1/4: sums are exact in f32
  };
}

const nest = (dims: number[], f: () => number): Arr4 =>
  Array.from({ length: dims[0] }, () => Array.from({ length: dims[1] }, () => Array.from({ length: dims[2] }, () => Array.from({ length: dims[3] }, f))));

/** Flattens an NCHW nested array in the order given by a permutation of [n, c, h, w]. */
function flatten(a: Arr4, perm: number[]): number[] {
  const dims = [a.length, a[0].length, a[0][0].length, a[0][0][0].length];
  const pd = perm.map((p) => dims[p]);
  const out: number[] = [];
  const idx = [0, 0, 0, 0];
  for (idx[0] = 0; idx[0] < pd[0]; idx[0]++) for (idx[1] = 0; idx[1] < pd[1]; idx[1]++)
    for (idx[2] = 0; idx[2] < pd[2]; idx[2]++) for (idx[3] = 0; idx[3] < pd[3]; idx[3]++) {
      const at = [0, 0, 0, 0];
      perm.forEach((p, i) => { at[p] = idx[i]; });
      out.push(a[at[0]][at[1]][at[2]][at[3]]);
    }
  return out;
}

describe('convolution, 2-D against a materialising reference with permuted layouts', () => {
  const cases = [
    { name: 'stride + asymmetric padding', n: 2, c: 2, hw: [5, 4], o: 2, k: [3, 2], st: [2, 1], pad: [[1, 2], [0, 1]] as [number, number][], ld: [1, 1], rd: [1, 1], G: 1, BG: 1 },
    { name: 'lhs and rhs dilation', n: 1, c: 2, hw: [4, 3], o: 3, k: [2, 2], st: [1, 2], pad: [[1, 0], [2, 1]] as [number, number][], ld: [2, 1], rd: [1, 2], G: 1, BG: 1 },
    { name: 'feature groups (depthwise-like)', n: 2, c: 4, hw: [3, 3], o: 4, k: [2, 2], st: [1, 1], pad: [[0, 0], [1, 1]] as [number, number][], ld: [1, 1], rd: [1, 1], G: 2, BG: 1 },
    { name: 'batch groups (weight gradient)', n: 4, c: 1, hw: [4, 3], o: 4, k: [2, 1], st: [1, 1], pad: [[0, 1], [0, 0]] as [number, number][], ld: [1, 1], rd: [2, 1], G: 1, BG: 2 },
    { name: 'negative padding', n: 1, c: 1, hw: [5, 5], o: 1, k: [2, 2], st: [1, 1], pad: [[-1, 0], [0, -2]] as [number, number][], ld: [1, 1], rd: [1, 1], G: 1, BG: 1 },
  ];
  // lhs in NHWC, kernel in HWIO, output in NHWC (TensorFlow layout) vs NCHW everywhere in the reference
  const nhwc = [0, 2, 3, 1], hwio = [2, 3, 1, 0];
  for (const cs of cases) {
    it(cs.name, () => {
      const r = rand(cs.n * 131 + cs.o);
      const x = nest([cs.n, cs.c, cs.hw[0], cs.hw[1]], r);
      const w = nest([cs.o, cs.c / cs.G, cs.k[0], cs.k[1]], r);
      const want = naiveConvNCHW(x, w, cs.st, cs.pad, cs.ld, cs.rd, cs.G, cs.BG);
      const d: ConvDims = {
        inputBatch: 0, inputFeature: 3, inputSpatial: [1, 2], kernelInputFeature: 2, kernelOutputFeature: 3, kernelSpatial: [0, 1],
        outputBatch: 0, outputFeature: 3, outputSpatial: [1, 2], strides: cs.st, padding: cs.pad, lhsDilation: cs.ld, rhsDilation: cs.rd,
        featureGroupCount: cs.G, batchGroupCount: cs.BG,
      };
      const lhsShape = nhwc.map((p) => [cs.n, cs.c, ...cs.hw][p]);
      const rhsShape = hwio.map((p) => [cs.o, cs.c / cs.G, ...cs.k][p]);
      const got = conv({ shape: lhsShape, data: flatten(x, nhwc) }, { shape: rhsShape, data: flatten(w, [2, 3, 1, 0]) }, d);
      const wantShape = [want.length, want[0].length, want[0][0].length, want[0][0][0]?.length ?? 0];
      expect(got.shape).toEqual([wantShape[0], wantShape[2], wantShape[3], wantShape[1]]);
      expect(got.data).toEqual(flatten(want, nhwc));
    });
  }
});
