import { describe, expect, it } from 'vitest';
import { removePipelineArg, setPipelineArg } from './pipelineText';

const text = 'MP = Megatron(axis="tp")\nPP = Pipeline(axis="pp", schedule="1F1B", microbatches=8, layers_per_stage=[1, 2])\nschedule = [MP, PP]\n';

describe('pipeline text edits', () => {
  it('rewrites an argument in place', () => {
    expect(setPipelineArg(text, 'microbatches', '16')).toContain('microbatches=16, layers_per_stage=[1, 2])');
    expect(setPipelineArg(text, 'schedule', '"GPipe"')).toContain('schedule="GPipe", microbatches=8');
    expect(setPipelineArg(text, 'layers_per_stage', '[2, 1]')).toContain('layers_per_stage=[2, 1])');
  });
  it('adds a missing argument and removes one', () => {
    expect(setPipelineArg(text, 'virtual', '2')).toContain('layers_per_stage=[1, 2], virtual=2)');
    expect(removePipelineArg(text, 'layers_per_stage')).toContain('microbatches=8)');
    expect(setPipelineArg('schedule = [Microbatch(count=2)]', 'count', '4')).toBe('schedule = [Microbatch(count=4)]');
  });
  it('leaves text without a pipeline alone', () => {
    expect(setPipelineArg('schedule = [BatchParallel(axis="b")]', 'microbatches', '4')).toBe('schedule = [BatchParallel(axis="b")]');
  });
});
