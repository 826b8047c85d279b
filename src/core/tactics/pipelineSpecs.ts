/** Catalog entries of the step-splitting tactics: `Pipeline` and `Microbatch` (semantics in src/core/mpmd). */
import { PIPELINE_SCHEDULES } from '../mpmd/types';
import type { TacticSpec } from './catalog';
import { enumArg } from './specBuilders';

export const PIPELINE_TACTIC_SPECS: readonly TacticSpec[] = [
  {
    name: 'Pipeline', kind: 'pipeline',
    description: 'Pipeline parallelism: split the layers into one stage per position on the axis (embedding on the first, loss on the last) and run micro-batches through them, accumulating gradients.',
    args: [
      { name: 'axis', type: { kind: 'axis' }, required: true, typeLabel: 'str (mesh axis)', doc: 'The pipeline axis: its size is the number of stages. No other tactic may shard over it.' },
      enumArg('schedule', PIPELINE_SCHEDULES, '1F1B', 'GPipe: all forwards then all backwards; 1F1B: one forward one backward (at most p micro-batches in flight); interleaved: 1F1B over virtual= model chunks per device; ZB-H1: 1F1B with the weight-gradient half of each backward deferred into the bubble.'),
      { name: 'microbatches', type: { kind: 'int', min: 1 }, required: true, typeLabel: 'int', doc: 'Micro-batches per step; the model batch must be a multiple of it.' },
      { name: 'virtual', type: { kind: 'int', min: 1 }, required: false, default: 1, typeLabel: 'int', doc: 'Model chunks per device (interleaved only); the bubble shrinks to (p−1)/(v·m).' },
      { name: 'layers_per_stage', type: { kind: 'ints', min: 0 }, required: false, typeLabel: '[int, ...]', doc: 'Layers of each stage (stages × virtual entries, in model order); an even split when absent.' },
    ],
    example: 'Pipeline(axis="pp", schedule="1F1B", microbatches=8)',
  },
  {
    name: 'Microbatch', kind: 'pipeline',
    description: 'Gradient accumulation: run the step as count micro-batches one after another and apply the optimizer once to their averaged gradients.',
    args: [
      { name: 'count', type: { kind: 'int', min: 1 }, required: true, typeLabel: 'int', doc: 'Micro-batches per step; the model batch must be a multiple of it.' },
    ],
    example: 'Microbatch(count=4)',
  },
];
