/**
 * Property: for random small schedules — any globs, dims, axes, pinned REPLICATED seeds, conflicts and all —
 * the partitioned program computes what the original computes (the SPMD interpreter is the judge), and a
 * later tactic never changes what an earlier one decided.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { verifySpmd } from './interp/verify';
import type { Mesh } from './mesh/mesh';
import { buildZooModel } from './models/zoo';
import { partition } from './partition/schedule';
import { axisState, axisStateEquals } from './partition/sharding';
import { lower } from './spmd/lower';
import { resolveTactics } from './tactics/resolve';

const mesh: Mesh = { axes: [{ name: 'a', size: 2 }, { name: 'b', size: 2 }] };

const MODELS = {
  transformer: {
    program: buildZooModel('transformer', { layers: 1, dModel: 8, heads: 2, dFF: 16, seq: 4, vocab: 8, batch: 4, precision: 'fp32' }),
    globs: ['batch/*', 'params/**', 'opt_state/**', 'grads/**', 'params/*/attn/w?', 'params/*/attn/wo', 'params/*/mlp/w_in',
      'params/*/mlp/w_out', 'params/embed/*', 'layer_*/x', 'layer_*/ln1/out', 'layer_*/mlp/hidden', 'logits', 'opt_state/mu/**'],
  },
  mlp: {
    program: buildZooModel('mlp', { layers: 2, dModel: 4, dHidden: 8, batch: 4 }),
    globs: ['batch/*', 'batch/x', 'params/**', 'params/layer_0/w', 'params/layer_1/*', 'opt_state/**', 'grads/**'],
  },
};

const dimArb = fc.constantFrom<string>('0', '1', '2', '-1', 'LARGEST', 'REPLICATED');

function scheduleArb(globs: string[]) {
  const tactic = fc.record({
    axis: fc.constantFrom('a', 'b'),
    inputs: fc.uniqueArray(fc.tuple(fc.constantFrom(...globs), dimArb), { minLength: 1, maxLength: 3, selector: ([g]) => g }),
  });
  return fc.array(tactic, { minLength: 1, maxLength: 3 }).map((ts) => {
    const lines = ts.map((t, i) => `T${i} = ManualPartition(inputs={${t.inputs.map(([g, d]) => `"${g}": ${d}`).join(', ')}}, axis="${t.axis}")`);
    return `${lines.join('\n')}\nschedule = [${ts.map((_, i) => `T${i}`).join(', ')}]\n`;
  });
}

describe.each(Object.entries(MODELS))('random schedules on %s', (_name, { program, globs }) => {
  it('partition + lower computes what the original computes, and earlier tactics stand', () => {
    let checked = 0;
    let withConflicts = 0;
    fc.assert(
      fc.property(scheduleArb(globs), (text) => {
        const resolved = resolveTactics(text, program, mesh);
        // Texts the checker refuses (a dim out of range, an axis used twice…) are the checker's business.
        if (resolved.diagnostics.some((d) => d.severity !== 'warning')) return;
        const part = partition(program, mesh, resolved.tactics);
        checked++;
        if (part.stages.some((s) => s.conflicts.length)) withConflicts++;
        // Whatever stage k decided on its axis is what the final sharding says on that axis.
        part.stages.forEach((stage) => {
          for (let v = 0; v < program.values.length; v++) {
            const mine = axisState(stage.shardings[v], stage.axis);
            if (mine.kind === 'replicated') continue;
            expect(axisStateEquals(axisState(part.shardings[v], stage.axis), mine)).toBe(true);
          }
        });
        const res = verifySpmd(lower(part), { seed: checked });
        expect(res.ok, `${text}\nmax error ${res.maxAbsError} at ${res.worst}`).toBe(true);
      }),
      { numRuns: 80, seed: 20261127 },
    );
    // The property must have exercised real schedules, conflicts among them.
    expect(checked).toBeGreaterThan(10);
    expect(withConflicts).toBeGreaterThan(0);
  });
});
