/**
 * The example modules in `public/examples/`. `transformer_train_step.mlir` is the zoo transformer
 * with these params printed by `printStableHlo` (a test checks that it still is); the MLP, the
 * attention block and the annotated MLP (every kind of sdy annotation JAX prints) are written by hand.
 */
import type { ModelParams } from '../config';

export const TRANSFORMER_EXAMPLE_PARAMS: ModelParams = { layers: 2, dModel: 16, heads: 2, dFF: 32, seq: 8, vocab: 32, batch: 4 };

export const EXAMPLES = [
  { file: 'mlp_train_step.mlir', title: 'MLP training step (forward, MSE loss, backward, SGD)' },
  { file: 'attention_block.mlir', title: 'Causal self-attention block (forward), sdy mesh and shardings' },
  { file: 'transformer_train_step.mlir', title: 'Transformer training step (2 layers, Adam)' },
  { file: 'sharded_mlp_annotations.mlir', title: 'Sharded MLP with JAX annotations: priorities, a sharding constraint, a propagation barrier and a shard_map' },
] as const;
