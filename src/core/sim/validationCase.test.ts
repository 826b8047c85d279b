import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { validateConfig } from '../io/validate';
import { ERROR_BANDS } from './errorBands';
import { publishedSeconds, runValidationCase, type ValidationCase } from './validationCase';
import { stepBreakdown } from './breakdown';
import { resolveHardware } from '../mesh/hardware';

const DIR = join(__dirname, '..', '..', '..', 'validation', 'cases');
const files = readdirSync(DIR).filter((f) => f.endsWith('.json')).sort();
const cases = files.map((f) => ({ file: f, c: JSON.parse(readFileSync(join(DIR, f), 'utf8')) as ValidationCase }));

describe('validation cases (validation/cases, npm run validate)', () => {
  it('cover more than 20 published runs, Korthikanti Table 5 in full', () => {
    expect(cases.length).toBeGreaterThan(20);
    const k = cases.filter(({ c }) => c.group === 'Korthikanti Table 5').map(({ c }) => c.id).sort();
    expect(k).toEqual(['22b', '175b', '530b', '1t'].flatMap((m) => [`korthikanti-${m}-full`, `korthikanti-${m}-selective`]).sort());
  });

  it.each(cases)('$file: named by its id, with a source, a chip family and a config that validates', ({ file, c }) => {
    expect(file).toBe(`${c.id}.json`);
    expect(c.source.length).toBeGreaterThan(40);
    expect(['a100', 'h100', 'tpu']).toContain(c.chip);
    expect(typeof c.fit).toBe('boolean');
    expect(() => validateConfig(c.config)).not.toThrow();
    if (c.reference) expect(c.reference.seconds).toBeGreaterThan(0);
    if (c.published.kind === 'mfu') expect(() => publishedSeconds(c)).toThrow(/needs the simulated report/);
    else expect(publishedSeconds(c)).toBeGreaterThan(0);
  });

  it('a published figure with a missing field is refused with the case and the field named', () => {
    const bad = { ...cases[0].c, id: 'bad-case', published: { kind: 'tokens-per-second', tokensPerStep: 1000 } } as ValidationCase;
    expect(() => publishedSeconds(bad)).toThrow(/bad-case.*tokensPerSecond/);
  });

  it('the error band each chip family shows (CLI, UI) counts exactly the validation cases of that family', () => {
    const byChip = new Map<string, number>();
    for (const { c } of cases) byChip.set(c.chip, (byChip.get(c.chip) ?? 0) + 1);
    for (const [chip, n] of byChip) expect(ERROR_BANDS[chip as keyof typeof ERROR_BANDS]?.runs, chip).toBe(n);
    for (const chip of Object.keys(ERROR_BANDS)) expect(byChip.has(chip), chip).toBe(true);
  });

  // Every case simulates in `npm run validate` (a minute for all); here two quick ones run: one plain step
  // (Korthikanti 22B) and one micro-batched (Megatron 1.7B, Microbatch).
  const runs = new Map<string, ReturnType<typeof runValidationCase>>();
  const run = (id: string) => {
    if (!runs.has(id)) runs.set(id, runValidationCase(cases.find((x) => x.c.id === id)!.c));
    return runs.get(id)!;
  };
  it.each(['korthikanti-22b-full', 'megatron-1.7b'])('%s simulates to a step within the error band of its chip family', (id) => {
    const c = cases.find((x) => x.c.id === id)!.c;
    const r = run(id);
    expect(r.simulated).toBeGreaterThan(0);
    expect(Math.abs(r.error)).toBeLessThanOrEqual(ERROR_BANDS[c.chip]!.maxError + 1e-9);
  });

  it('the step breakdown of a case accounts for its simulated step (overlap only hides, never adds)', () => {
    const r = run('korthikanti-22b-full');
    const b = stepBreakdown(r.spmd.program, resolveHardware(r.config.hardware, r.spmd.mesh));
    const total = [...b.seconds.values()].reduce((a, s) => a + s, 0);
    expect(total).toBeGreaterThanOrEqual(r.simulated * 0.999);
    // Megatron's step: the GEMMs of forward, backward and recompute and the tensor-parallel all-reduces
    for (const part of ['GEMM forward', 'GEMM backward', 'GEMM recompute', 'collective all_reduce over tp']) expect(b.seconds.get(part), part).toBeGreaterThan(0);
    // backward GEMMs do twice the forward's FLOPs (input and weight gradients)
    expect(b.flops.get('GEMM backward')! / b.flops.get('GEMM forward')!).toBeCloseTo(2, 1);
  });
});
