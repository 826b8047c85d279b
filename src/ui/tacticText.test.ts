import { describe, it, expect } from 'vitest';
import { callFor, freshName, insertTactic } from './tacticText';

describe('freshName', () => {
  it('skips names already defined', () => {
    expect(freshName('T1 = A()\nT2 = B()\n')).toBe('T3');
    expect(freshName('BP = A()\n')).toBe('T1');
  });
});

describe('insertTactic', () => {
  it('defines the tactic before the schedule and appends it to the schedule', () => {
    const text = 'BP = BatchParallel(axis="batch")\nschedule = [BP]\n';
    expect(insertTactic(text, 'T1', 'Megatron(axis="model")')).toBe(
      'BP = BatchParallel(axis="batch")\nT1 = Megatron(axis="model")\nschedule = [BP, T1]\n',
    );
  });

  it('creates a schedule when there is none, and handles an empty one', () => {
    expect(insertTactic('# nothing', 'T1', 'X()')).toBe('# nothing\nT1 = X()\nschedule = [T1]\n');
    expect(insertTactic('schedule = []\n', 'T1', 'X()')).toBe('T1 = X()\nschedule = [T1]\n');
  });

  it('extends a schedule written across lines with a trailing comma', () => {
    const text = 'schedule = [\n    A,\n    B,\n]\n';
    expect(insertTactic(text, 'T1', 'X()')).toBe('T1 = X()\nschedule = [\n    A,\n    B, T1\n]\n');
  });
});

describe('callFor', () => {
  it('writes a ManualPartition over the dropped value, and presets with the axis', () => {
    expect(callFor('ManualPartition', 'model', 'params/layer_0/mlp/w_in')).toBe(
      'ManualPartition(inputs={"params/layer_0/mlp/w_in": LARGEST}, axis="model")',
    );
    expect(callFor('Megatron', 'model', null)).toBe('Megatron(axis="model")');
  });
});
