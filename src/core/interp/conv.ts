import { UserError } from '../errors';
import { convShape } from '../ir/shape';
import type { ConvDims } from '../ir/types';
import { numel, stridesOf } from './tensor';

/**
 * StableHLO convolution with full dimension numbers. For output spatial position y and kernel
 * position k (per spatial dim), the input position in the lhs-dilated, padded frame is
 * p = y·stride + k·rhsDilation − padLow; it reads lhs[p / lhsDilation] when p ≥ 0, p is a multiple
 * of lhsDilation and inside the input, and zero otherwise (holes and padding).
 *
 * Groups: with feature_group_count G, output feature o belongs to group ⌊o / (OF/G)⌋ and reads the
 * input features [g·Cg, (g+1)·Cg), Cg the kernel's input-feature size. With batch_group_count BG,
 * output feature o belongs to group ⌊o / (OF/BG)⌋ and reads input batch g·(B/BG) + b.
 */
export function convolution(
  lhs: Float32Array, lhsShape: readonly number[], rhs: Float32Array, rhsShape: readonly number[], d: ConvDims,
): Float32Array {
  const G = d.featureGroupCount, BG = d.batchGroupCount;
  // XLA rejects this combination too; the two groupings would have to nest and StableHLO does not define it.
  if (G > 1 && BG > 1) throw new UserError('interp', `convolution: feature_group_count (${G}) and batch_group_count (${BG}) cannot both exceed 1`);
  const outShape = convShape(lhsShape, rhsShape, d);
  const nSp = d.inputSpatial.length;
  const ls = stridesOf(lhsShape), rs = stridesOf(rhsShape), os = stridesOf(outShape);
  const OB = outShape[d.outputBatch], OF = outShape[d.outputFeature];
  const Cg = rhsShape[d.kernelInputFeature];
  const ofPerFG = OF / G, ofPerBG = OF / BG;
  const inSp = d.inputSpatial.map((i) => lhsShape[i]);
  const kSp = d.kernelSpatial.map((i) => rhsShape[i]);
  const oSp = d.outputSpatial.map((i) => outShape[i]);
  const nOutSp = numel(oSp), nKSp = numel(kSp);
  const out = new Float32Array(numel(outShape));
  const y = new Array<number>(nSp).fill(0);
  const k = new Array<number>(nSp).fill(0);

  for (let b = 0; b < OB; b++) {
    for (let o = 0; o < OF; o++) {
      const fg = Math.floor(o / ofPerFG);
      const bg = Math.floor(o / ofPerBG);
      const inBatch = bg * OB + b;
      for (let ys = 0; ys < nOutSp; ys++) {
        unflatten(ys, oSp, y);
        let acc = 0;
        for (let ks = 0; ks < nKSp; ks++) {
          unflatten(ks, kSp, k);
          let lOff = inBatch * ls[d.inputBatch];
          let inside = true;
          for (let i = 0; i < nSp; i++) {
            const p = y[i] * d.strides[i] + k[i] * d.rhsDilation[i] - d.padding[i][0];
            if (p < 0 || p % d.lhsDilation[i] !== 0) { inside = false; break; }
            const q = p / d.lhsDilation[i];
            if (q >= inSp[i]) { inside = false; break; }
            lOff += q * ls[d.inputSpatial[i]];
          }
          if (!inside) continue;
          let rOff = o * rs[d.kernelOutputFeature];
          for (let i = 0; i < nSp; i++) rOff += k[i] * rs[d.kernelSpatial[i]];
          for (let c = 0; c < Cg; c++) {
            acc += lhs[lOff + (fg * Cg + c) * ls[d.inputFeature]] * rhs[rOff + c * rs[d.kernelInputFeature]];
          }
        }
        let oOff = b * os[d.outputBatch] + o * os[d.outputFeature];
        for (let i = 0; i < nSp; i++) oOff += y[i] * os[d.outputSpatial[i]];
        out[oOff] = acc;
      }
    }
  }
  return out;
}

function unflatten(flat: number, shape: readonly number[], into: number[]): void {
  for (let i = shape.length - 1; i >= 0; i--) {
    into[i] = flat % shape[i];
    flat = Math.floor(flat / shape[i]);
  }
}
