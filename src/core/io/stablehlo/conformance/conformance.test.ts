import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CASES } from './cases';
import { conformanceTable, runAll, runCase, summarize } from './run';

describe("Shardy's propagation tests, re-expressed", () => {
  const out = runAll();

  it('cover at least 60 functions across the basic, aggressive, op-priority and user-priority files', () => {
    expect(CASES.length).toBeGreaterThanOrEqual(60);
    for (const f of ['basic', 'aggressive', 'op-priority', 'user-priority'] as const) expect(CASES.filter((c) => c.file === f).length).toBeGreaterThan(5);
    expect(new Set(CASES.map((c) => `${c.file}/${c.name}`)).size).toBe(CASES.length);
  });

  it('agree with Shardy on ≥ 90% of the cases whose ops the importer supports', () => {
    expect(summarize(out).supportedRate).toBeGreaterThanOrEqual(0.9);
  });

  it('explain every case that differs (a note in cases.ts), and no case with a note passes unnoticed', () => {
    for (const o of out) {
      if (o.status === 'fail') expect(o.case.note, `${o.case.file}/${o.case.name}: ${o.detail}`).toBeDefined();
      if (o.status === 'pass') expect(o.case.note, `${o.case.file}/${o.case.name} passes: drop its note`).toBeUndefined();
    }
  });

  it('notice a wrong expectation (the comparison is not vacuous)', () => {
    const c = CASES.find((x) => x.name === 'no_priorities');
    expect(c).toBeDefined();
    if (!c) return;
    expect(runCase(c).status).toBe('pass');
    expect(runCase({ ...c, results: ['[{"b", ?}, {"a", ?}]'] }).status).toBe('fail');
    expect(runCase({ ...c, args: [c.args[0], null, c.args[2]] }).status).toBe('fail');
  });

  it('docs/shardy-conformance.md holds the current table (npm run -s shardy-conformance)', () => {
    const doc = readFileSync(join(__dirname, '../../../../../docs/shardy-conformance.md'), 'utf8');
    expect(doc).toContain(conformanceTable(out));
  });
});
