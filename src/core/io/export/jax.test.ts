import { describe, expect, it } from 'vitest';
import { runPipeline } from '../../pipeline';
import type { Sharding } from '../../partition/types';
import { exportJax, partitionSpec } from './jax';
import { BP_MP_Z3, tinyTransformerConfig } from './fixtures';

/**
 * A reader for the Python subset the export writes in its sharding dicts: nested dict literals with
 * string keys whose leaves are `NamedSharding(mesh, P(...))`. Returns path → per-dim axes.
 */
function readShardingDict(src: string, name: string): Map<string, string[][]> {
  const start = src.indexOf(`\n${name} = `);
  if (start < 0) throw new Error(`no ${name} in the export`);
  let i = start + name.length + 4;
  const out = new Map<string, string[][]>();
  const ws = () => {
    for (;;) {
      while (i < src.length && /\s/.test(src[i])) i++;
      if (src[i] === '#') while (i < src.length && src[i] !== '\n') i++;
      else return;
    }
  };
  const expect = (t: string) => {
    ws();
    if (!src.startsWith(t, i)) throw new Error(`expected ${t} at ${JSON.stringify(src.slice(i, i + 40))}`);
    i += t.length;
  };
  const str = (): string => {
    ws();
    const q = src[i];
    if (q !== '"' && q !== "'") throw new Error(`expected a string at ${i}`);
    let j = i + 1;
    let s = '';
    while (src[j] !== q) {
      if (src[j] === '\\') { s += src[j + 1]; j += 2; } else s += src[j++];
    }
    i = j + 1;
    return s;
  };
  const spec = (): string[][] => {
    expect('NamedSharding(mesh,');
    expect('P(');
    const dims: string[][] = [];
    ws();
    while (src[i] !== ')') {
      ws();
      if (src.startsWith('None', i)) { i += 4; dims.push([]); }
      else if (src[i] === '(') {
        i++;
        const axes: string[] = [];
        ws();
        while (src[i] !== ')') { axes.push(str()); ws(); if (src[i] === ',') i++; ws(); }
        i++;
        dims.push(axes);
      } else dims.push([str()]);
      ws();
      if (src[i] === ',') i++;
      ws();
    }
    i++;
    expect(')');
    return dims;
  };
  const dict = (prefix: string) => {
    expect('{');
    ws();
    while (src[i] !== '}') {
      const key = str();
      expect(':');
      ws();
      const path = prefix ? `${prefix}/${key}` : key;
      if (src[i] === '{') dict(path);
      else out.set(path, spec());
      expect(',');
      ws();
    }
    i++;
  };
  dict('');
  return out;
}

const dimsOf = (s: Sharding) => s.dims.map((a) => [...a]);

describe('exportJax', () => {
  const config = tinyTransformerConfig(BP_MP_Z3);
  const result = runPipeline(config);
  const text = exportJax(result, config);
  const { program: p, partition } = result;

  it('declares the mesh over the config axes', () => {
    expect(text).toContain('devices = mesh_utils.create_device_mesh((4, 2))');
    expect(text).toContain("mesh = Mesh(devices, ('batch', 'model'))");
  });

  it('gives every input the PartitionSpec of its propagated sharding, keyed by its path', () => {
    const read = readShardingDict(text, 'in_shardings');
    expect(read.size).toBe(p.inputs.length);
    p.inputs.forEach((v, i) => {
      const name = p.values[v].name!;
      expect(read.get(name), name).toEqual(dimsOf(result.spmd.inputShardings[i]));
      // an input's layout is what propagation decided for it
      expect(read.get(name), name).toEqual(dimsOf(partition.shardings[v]));
    });
    // the schedule's intent shows through: batch inputs on dim 0, Megatron's w_in on its dFF dim, ZeRO-3 on params
    expect(read.get('batch/tokens')![0]).toEqual(['batch']);
    expect(read.get('params/layer_0/mlp/w_in')!.flat()).toEqual(expect.arrayContaining(['model', 'batch']));
  });

  it('writes a dim tiled by two axes as a tuple, major first', () => {
    const both = p.inputs.find((v) => partition.shardings[v].dims.some((a) => a.length === 2));
    expect(both, 'BP+MP+Z3 puts two axes on some dim').toBeDefined();
    const s = partition.shardings[both!];
    const d = s.dims.findIndex((a) => a.length === 2);
    expect(partitionSpec(s)).toContain(`('${s.dims[d][0]}', '${s.dims[d][1]}')`);
  });

  it('gives every output its sharding; outputs are never partial', () => {
    const read = readShardingDict(text, 'out_shardings');
    expect(read.size).toBe(p.outputs.length);
    p.outputs.forEach((o, i) => {
      expect(read.get(o.name), o.name).toEqual(dimsOf(result.spmd.outputShardings[i]));
      expect(result.spmd.outputShardings[i].partial).toEqual([]);
    });
    // an updated parameter keeps its input's layout (they alias), and the scalar loss is replicated
    const inputs = readShardingDict(text, 'in_shardings');
    expect(read.get('params/layer_1/mlp/w_out')).toEqual(inputs.get('params/layer_1/mlp/w_out'));
    expect(read.get('loss')).toEqual([]);
  });

  it('nests dicts by path segments and jits step over the top-level groups', () => {
    expect(text).toMatch(/in_shardings = \{\n {4}"params": \{\n/);
    expect(text).toMatch(/"layer_0": \{\n\s+"ln1": \{\n\s+"scale": NamedSharding\(mesh, P\(/);
    expect(text).toMatch(/"attn": \{\n\s+"wq": NamedSharding\(mesh, P\(/);
    const groups = [...new Set(p.inputs.map((v) => p.values[v].name!.split('/')[0]))];
    expect(text).toContain(`def step(${groups.join(', ')}):`);
    expect(text).toContain(`in_shardings=(${groups.map((g) => `in_shardings["${g}"]`).join(', ')}),`);
    expect(text).toContain('out_shardings=out_shardings,');
  });

  it('is deterministic', () => {
    expect(exportJax(runPipeline(config), config)).toBe(text);
  });
});

describe('exportJax with seeded intermediates', () => {
  const config = tinyTransformerConfig('BP = BatchParallel(axis="batch")\nSP = SequenceParallel(axis="model")\nschedule = [BP, SP]\n');
  const result = runPipeline(config);
  const text = exportJax(result, config);

  it('pins each seeded named intermediate with with_sharding_constraint', () => {
    const seeded = new Set(result.partition.stages.flatMap((s) => s.seeded.map((x) => x.value)).filter((v) => result.program.values[v].def >= 0));
    expect(seeded.size).toBeGreaterThan(0);
    const read = readShardingDict(text, 'intermediate_shardings');
    for (const v of seeded) {
      const name = result.program.values[v].name!;
      expect(read.get(name), name).toEqual(dimsOf(result.partition.shardings[v]));
      const line = text.split('\n').find((l) => l.includes('with_sharding_constraint') && l.endsWith(`# ${name}`));
      expect(line, name).toContain(partitionSpec(result.partition.shardings[v]));
    }
    // layer inputs are tiled on seq by SP, after batch on dim 0
    expect(read.get('layer_0/x')).toEqual([['batch'], ['model'], []]);
  });

  it('marks partial values with a comment, since PartitionSpec cannot express them', () => {
    const partialSpec: Sharding = { dims: [['batch'], []], partial: ['model'] };
    expect(partitionSpec(partialSpec)).toBe("P('batch', None)");
    expect(partitionSpec({ dims: [], partial: [] })).toBe('P()');
    expect(text).toContain('Partial (unreduced) values cannot be written as a PartitionSpec');
  });
});
