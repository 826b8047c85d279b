/**
 * Fused attention and its backward, computed directly (no materialised IR).
 *
 * q [b, s, h, dh], k and v [b, t, kvh, dh]; query head j reads kv head ⌊j / (h / kvh)⌋.
 * scores[i, j] = scale · q[i]·k[j]; causal masks key j > i + (t − s) (offset 0 when s == t,
 * t − s when decoding s new queries after t − s cached keys). A query row whose keys are all
 * masked (only possible when s > t) has no softmax; its output and gradients are zero.
 */

interface Dims { b: number; s: number; h: number; dh: number; t: number; kvh: number; group: number }

function dimsOf(qShape: readonly number[], kShape: readonly number[]): Dims {
  const [b, s, h, dh] = qShape;
  const [, t, kvh] = kShape;
  return { b, s, h, dh, t, kvh, group: h / kvh };
}

/** Softmax probabilities of one (batch, head, query) row, written into `p` (length t); returns false if fully masked. */
function probsRow(
  q: Float32Array, k: Float32Array, D: Dims, bi: number, hi: number, i: number, causal: boolean, scale: number, p: Float64Array,
): boolean {
  const { s, h, dh, t, kvh } = D;
  const kh = Math.floor(hi / D.group);
  const qOff = ((bi * s + i) * h + hi) * dh;
  const limit = causal ? Math.min(t, i + (t - s) + 1) : t;
  if (limit <= 0) { p.fill(0); return false; }
  let mx = -Infinity;
  for (let j = 0; j < limit; j++) {
    const kOff = ((bi * t + j) * kvh + kh) * dh;
    let dot = 0;
    for (let c = 0; c < dh; c++) dot += q[qOff + c] * k[kOff + c];
    p[j] = dot * scale;
    if (p[j] > mx) mx = p[j];
  }
  let sum = 0;
  for (let j = 0; j < limit; j++) { p[j] = Math.exp(p[j] - mx); sum += p[j]; }
  for (let j = 0; j < limit; j++) p[j] /= sum;
  for (let j = limit; j < t; j++) p[j] = 0;
  return true;
}

export function attention(
  q: Float32Array, qShape: readonly number[], k: Float32Array, kShape: readonly number[], v: Float32Array,
  causal: boolean, scale: number,
): Float32Array {
  const D = dimsOf(qShape, kShape);
  const { b, s, h, dh, t, kvh } = D;
  const out = new Float32Array(q.length);
  const p = new Float64Array(t);
  const acc = new Float64Array(dh);
  for (let bi = 0; bi < b; bi++)
    for (let hi = 0; hi < h; hi++) {
      const kh = Math.floor(hi / D.group);
      for (let i = 0; i < s; i++) {
        if (!probsRow(q, k, D, bi, hi, i, causal, scale, p)) continue;
        acc.fill(0);
        for (let j = 0; j < t; j++) {
          if (p[j] === 0) continue;
          const vOff = ((bi * t + j) * kvh + kh) * dh;
          for (let c = 0; c < dh; c++) acc[c] += p[j] * v[vOff + c];
        }
        out.set(acc, ((bi * s + i) * h + hi) * dh);
      }
    }
  return out;
}

/**
 * Gradients of L = Σ dOut ⊙ attention(q, k, v). With P = softmax(S), S = scale·QKᵀ, O = PV:
 *   dV[j] = Σ_i P[i,j] dO[i]
 *   dP[i,j] = dO[i]·V[j];  dS[i,j] = P[i,j] (dP[i,j] − Σ_j' P[i,j'] dP[i,j'])
 *   dQ[i] = scale Σ_j dS[i,j] K[j];  dK[j] = scale Σ_i dS[i,j] Q[i]
 * Query heads that share a kv head add their contributions into that head's dK and dV.
 */
export function attentionGrad(
  q: Float32Array, qShape: readonly number[], k: Float32Array, kShape: readonly number[], v: Float32Array,
  dOut: Float32Array, causal: boolean, scale: number,
): [Float32Array, Float32Array, Float32Array] {
  const D = dimsOf(qShape, kShape);
  const { b, s, h, dh, t, kvh } = D;
  const dq = new Float64Array(q.length), dk = new Float64Array(k.length), dv = new Float64Array(v.length);
  const p = new Float64Array(t), dp = new Float64Array(t);
  for (let bi = 0; bi < b; bi++)
    for (let hi = 0; hi < h; hi++) {
      const kh = Math.floor(hi / D.group);
      for (let i = 0; i < s; i++) {
        if (!probsRow(q, k, D, bi, hi, i, causal, scale, p)) continue;
        const qOff = ((bi * s + i) * h + hi) * dh;
        let rowDot = 0;
        for (let j = 0; j < t; j++) {
          const vOff = ((bi * t + j) * kvh + kh) * dh;
          let d = 0;
          for (let c = 0; c < dh; c++) {
            d += dOut[qOff + c] * v[vOff + c];
            dv[vOff + c] += p[j] * dOut[qOff + c];
          }
          dp[j] = d;
          rowDot += p[j] * d;
        }
        for (let j = 0; j < t; j++) {
          const ds = p[j] * (dp[j] - rowDot) * scale;
          if (ds === 0) continue;
          const kOff = ((bi * t + j) * kvh + kh) * dh;
          for (let c = 0; c < dh; c++) {
            dq[qOff + c] += ds * k[kOff + c];
            dk[kOff + c] += ds * q[qOff + c];
          }
        }
      }
    }
  return [Float32Array.from(dq), Float32Array.from(dk), Float32Array.from(dv)];
}
