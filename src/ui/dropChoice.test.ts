import { describe, expect, it } from 'vitest';
import { defaultAxisFor, dimChoices, dropCall, duplicateWarning, tacticName } from './dropChoice';

describe('drop choices', () => {
  it('reads the dimensions of a sharded type and says which an axis can tile', () => {
    const d = dimChoices('bf16[64@batch, 30, 4096]', { name: 'model', size: 4 });
    expect(d.map((x) => [x.dim, x.size, x.axes, x.problem])).toEqual([
      [0, 64, ['batch'], null],
      [1, 30, [], "30 is not a multiple of model's 4 devices"],
      [2, 4096, [], null],
    ]);
    expect(dimChoices('bf16[64@batch]', { name: 'batch', size: 8 })[0].problem).toBe('already tiled on batch');
    expect(dimChoices('f32[]', { name: 'batch', size: 2 })).toEqual([]);
  });
  it('puts data-parallel presets on the first axis and model-parallel ones on the last', () => {
    expect(defaultAxisFor('BatchParallel', ['batch', 'model'])).toBe('batch');
    expect(defaultAxisFor('ZeRO', ['data', 'model'])).toBe('data');
    expect(defaultAxisFor('Megatron', ['batch', 'model'])).toBe('model');
  });
  it('names the tactic after what it does, fresh in the text', () => {
    expect(tacticName('', 'Megatron', 'model', null)).toBe('MP_model');
    expect(tacticName('MP_model = Megatron(axis="model")\n', 'Megatron', 'model', null)).toBe('MP_model2');
    expect(tacticName('', 'ManualPartition', 'model', 'params/layer_0/mlp/w_in')).toBe('w_in_model');
  });
  it('warns about a preset already on that axis', () => {
    const text = 'BP = BatchParallel(axis="batch")\nMP = Megatron(axis="model")\nschedule = [BP, MP]\n';
    expect(duplicateWarning(text, 'Megatron', 'model')).toMatch(/already/);
    expect(duplicateWarning(text, 'Megatron', 'batch')).toBeNull();
    expect(duplicateWarning(text, 'ManualPartition', 'model')).toBeNull();
  });
  it('writes the call: a preset, or one value on a chosen dimension', () => {
    expect(dropCall('ManualPartition', 'model', 'params/w', 1)).toBe('ManualPartition(inputs={"params/w": 1}, axis="model")');
    expect(dropCall('ManualPartition', 'model', 'params/w', 'largest')).toBe('ManualPartition(inputs={"params/w": LARGEST}, axis="model")');
    expect(dropCall('BatchParallel', 'batch', 'params/w', 0)).toBe('BatchParallel(axis="batch")');
  });
});
