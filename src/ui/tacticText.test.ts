import { describe, it, expect } from 'vitest';
import { callFor, freshName, insertTactic, makeManual } from './tacticText';
import { parseTactics } from '../core/tactics';

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
  it('writes the step-splitting tactics with their counts', () => {
    expect(callFor('Pipeline', 'pp', 'params/layer_0/mlp/w_in')).toBe('Pipeline(axis="pp", schedule="1F1B", microbatches=4)');
    expect(callFor('Microbatch', 'model', null)).toBe('Microbatch(count=4)');
  });
});

describe('makeManual', () => {
  const chosen = {
    tactic: 'A',
    text: 'A_model = ManualPartition(inputs={"params/*/mlp/w_in": 1, "params/*/mlp/w_out": 0}, axis="model")\n',
    names: ['A_model'],
  };
  const noSyntaxErrors = (t: string) => expect(parseTactics(t).diagnostics.filter((d) => d.severity !== 'warning')).toEqual([]);

  it('replaces a named AutomaticPartition (even across lines) by its chosen tactics, and its schedule entry by their names', () => {
    const text = 'BP = BatchParallel(axis="batch")\nA = AutomaticPartition(axes=["model"],\n    budget=8)  # search\nschedule = [BP, A]\n';
    const out = makeManual(text, chosen)!;
    expect(out).not.toContain('AutomaticPartition');
    expect(out).toContain('A_model = ManualPartition(inputs={"params/*/mlp/w_in": 1, "params/*/mlp/w_out": 0}, axis="model")  # search');
    expect(out).toMatch(/schedule = \[BP, A_model\]\n$/);
    expect(out.startsWith('BP = BatchParallel(axis="batch")\n')).toBe(true);
    noSyntaxErrors(out);
  });

  it('puts several chosen tactics in the schedule in order, leaving other entries alone', () => {
    const text = 'A = AutomaticPartition(axes=["batch", "model"])\nAB = Megatron(axis="model")\nschedule = [A, AB]\n';
    const out = makeManual(text, { tactic: 'A', text: 'A_batch = ManualPartition(inputs={"batch/*": 0}, axis="batch")\nA_model = ManualPartition(inputs={"params/**": LARGEST}, axis="model")', names: ['A_batch', 'A_model'] })!;
    expect(out).toMatch(/schedule = \[A_batch, A_model, AB\]/);
    expect(out.split('\n').filter((l) => /^A_(batch|model) = ManualPartition/.test(l))).toHaveLength(2);
    noSyntaxErrors(out);
  });

  it('drops the tactic when the search chose nothing', () => {
    const text = 'BP = BatchParallel(axis="batch")\nA = AutomaticPartition(axes=["model"])\nschedule = [BP, A]\n';
    expect(makeManual(text, { tactic: 'A', text: '', names: [] })).toBe('BP = BatchParallel(axis="batch")\nschedule = [BP]\n');
    const first = 'A = AutomaticPartition(axes=["model"])\nBP = BatchParallel(axis="batch")\nschedule = [A, BP]\n';
    expect(makeManual(first, { tactic: 'A', text: '', names: [] })).toBe('BP = BatchParallel(axis="batch")\nschedule = [BP]\n');
  });

  it('handles an AutomaticPartition written inline in the schedule', () => {
    const text = 'BP = BatchParallel(axis="batch")\nschedule = [BP, AutomaticPartition(axes=["model"])]\n';
    const out = makeManual(text, chosen)!;
    expect(out).toMatch(/^BP = BatchParallel\(axis="batch"\)\nA_model = ManualPartition\(.*\)\nschedule = \[BP, A_model\]\n$/);
    noSyntaxErrors(out);
  });

  it('returns null when the tactic is gone from the text', () => {
    expect(makeManual('BP = BatchParallel(axis="batch")\nschedule = [BP]\n', chosen)).toBeNull();
  });
});
