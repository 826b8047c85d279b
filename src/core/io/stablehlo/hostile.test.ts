/** Modules built to hurt the importer: huge constants, deep regions, deep attributes. */
import { describe, expect, it } from 'vitest';
import { MAX_MODULE_NESTING } from '../../limits';
import { importStableHlo } from './import';

const wrap = (body: string, type = 'tensor<f32>') =>
  `module @m {\n  func.func public @main(%arg0: ${type}) -> ${type} {\n${body}\n  }\n}\n`;

describe('hostile modules', () => {
  it('a 120,000-element dense constant imports (no push(...spread) of its tokens)', () => {
    const n = 120_000;
    const vals = Array.from({ length: n }, (_, i) => String(i % 7)).join(', ');
    const r = importStableHlo(wrap(`    %0 = stablehlo.constant dense<[${vals}]> : tensor<${n}xf32>\n    %1 = stablehlo.add %arg0, %0 : tensor<${n}xf32>\n    return %1 : tensor<${n}xf32>`, `tensor<${n}xf32>`));
    expect(r.ok).toBe(true);
  });

  it.each([
    ['regions', (n: number) => `    %0 = "stablehlo.foo"(%arg0) (${'({'.repeat(n)}${'})'.repeat(n)}) : (tensor<f32>) -> tensor<f32>\n    return %0 : tensor<f32>`],
    ['attribute lists', (n: number) => `    %0 = stablehlo.custom_call @f(%arg0) {x = ${'['.repeat(n)}${']'.repeat(n)}} : (tensor<f32>) -> tensor<f32>\n    return %0 : tensor<f32>`],
    ['locations', (n: number) => `    return %arg0 : tensor<f32> loc(${'callsite('.repeat(n)}"a"${' at "b")'.repeat(n)})`],
  ])('20,000 nested %s: one syntax error naming line and column', (_what, body) => {
    const r = importStableHlo(wrap(body(20_000)));
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.diagnostics).toHaveLength(1);
    expect(r.diagnostics[0].message).toMatch(new RegExp(`^3:\\d+: brackets nest deeper than ${MAX_MODULE_NESTING} levels here$`));
    expect(r.diagnostics[0].range?.line).toBe(3);
  });

  it('a module name with a carriage return is refused where it is', () => {
    const r = importStableHlo(`module @"m\rimport os" {\n}\n`);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.diagnostics[0].message).toMatch(/^1:11: the symbol name holds the control character U\+000D/);
  });
});
