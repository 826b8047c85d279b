/**
 * Attributes of an op re-emitted on local shapes: the ops that carry a shape in their attributes
 * (broadcast, reshape, iota, constant, slice, dynamic_slice, custom) get the per-device one; every
 * other op's attributes only name dims and stay as they are.
 */
import type { AttrsOf, Op, OpKind, TensorType } from '../ir/types';

export function localAttrs(
  op: Op,
  globalOperands: readonly TensorType[],
  localOperands: readonly TensorType[],
  localResults: readonly TensorType[],
): AttrsOf<OpKind> {
  const sharded = (d: number) => localOperands[0].shape[d] !== globalOperands[0].shape[d];
  switch (op.kind) {
    case 'broadcast_in_dim':
      return { ...op.attrs, shape: localResults[0].shape };
    case 'reshape':
      return { shape: localResults[0].shape };
    case 'iota':
    case 'constant':
      return { ...op.attrs, shape: localResults[0].shape };
    case 'slice': {
      const a = op.attrs;
      // Only whole (unsliced) dims can arrive tiled: the rule makes sliced dims need replication.
      const start = a.start.map((s, d) => (sharded(d) ? 0 : s));
      const limit = a.limit.map((l, d) => (sharded(d) ? localOperands[0].shape[d] : l));
      const stride = a.stride.map((s, d) => (sharded(d) ? 1 : s));
      for (let d = 0; d < start.length; d++)
        if (sharded(d) && (a.start[d] !== 0 || a.limit[d] !== globalOperands[0].shape[d] || a.stride[d] !== 1))
          throw new Error(`slice dim ${d} is sliced but arrived tiled`);
      return { start, limit, stride };
    }
    case 'dynamic_slice': {
      const sizes = op.attrs.sizes.map((z, d) => {
        if (!sharded(d)) return z;
        if (z !== globalOperands[0].shape[d]) throw new Error(`dynamic_slice dim ${d} is sliced but arrived tiled`);
        return localOperands[0].shape[d];
      });
      return { sizes };
    }
    case 'custom':
      return { ...op.attrs, resultTypes: localResults };
    default:
      return op.attrs as AttrsOf<OpKind>;
  }
}
