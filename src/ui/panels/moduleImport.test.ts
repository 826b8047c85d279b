import { describe, it, expect } from 'vitest';
import { validateConfig } from '../../core/io/validate';
import { DEFAULT_CONFIG } from '../defaultConfig';
import { caretOffset, describeError, MODULE_TACTICS, tacticsForModule, withModule } from './moduleImport';

const MODULE = 'module @m {\n  func.func @main(%a: tensor<4xf32>) -> tensor<4xf32> {\n    return %a : tensor<4xf32>\n  }\n}\n';

describe('withModule', () => {
  it("takes the module's mesh with a link per axis, and the result validates", () => {
    const doc = withModule(DEFAULT_CONFIG, MODULE, [{ name: 'data', size: 2 }], MODULE_TACTICS);
    expect(doc.model).toEqual({ stablehlo: MODULE });
    expect(doc.mesh.axes).toEqual([{ name: 'data', size: 2 }]);
    expect(Object.keys(doc.hardware.links ?? {})).toEqual(['data']);
    expect(validateConfig(doc)).toEqual(doc);
  });

  it('keeps the mesh (and its links) when the module declares none', () => {
    const doc = withModule(DEFAULT_CONFIG, MODULE, undefined, 'x');
    expect(doc.mesh).toEqual(DEFAULT_CONFIG.mesh);
    expect(doc.hardware.links).toEqual(DEFAULT_CONFIG.hardware.links);
    expect(doc.tactics).toBe('x');
  });
});

describe('tacticsForModule', () => {
  it("drops a zoo model's tactics, keeps a module's on the same mesh, and drops them when the mesh changes", () => {
    expect(tacticsForModule(DEFAULT_CONFIG, undefined)).toBe(MODULE_TACTICS);
    const moduleDoc = withModule(DEFAULT_CONFIG, MODULE, [{ name: 'data', size: 2 }], 'D = BatchParallel(axis="data")\nschedule = [D]\n');
    expect(tacticsForModule(moduleDoc, [{ name: 'data', size: 2 }])).toBe(moduleDoc.tactics);
    expect(tacticsForModule(moduleDoc, undefined)).toBe(moduleDoc.tactics);
    expect(tacticsForModule(moduleDoc, [{ name: 'x', size: 4 }])).toBe(MODULE_TACTICS);
  });
});

describe('describeError', () => {
  it('leads with the line and column, without repeating them from the message', () => {
    expect(describeError({ code: 'stablehlo-syntax', message: '8:39: unterminated "<" in a type', range: { line: 8, column: 39, endLine: 8, endColumn: 40 } }))
      .toBe('line 8, column 39: unterminated "<" in a type');
    expect(describeError({ code: 'x', message: 'no module' })).toBe('no module');
  });
});

describe('caretOffset', () => {
  it('points at the character a 1-based line and column name', () => {
    const text = 'ab\ncdef\n\nxyz';
    // each offset is checked by the character found there, not by a number written down
    expect(text[caretOffset(text, 1, 1)]).toBe('a');
    expect(text[caretOffset(text, 2, 3)]).toBe('e');
    expect(text[caretOffset(text, 4, 2)]).toBe('y');
    expect(caretOffset(text, 3, 1)).toBe(text.indexOf('\n\n') + 1);
  });

  it('reads a column of 0 as the start of the line', () => {
    expect(caretOffset('ab\ncd', 2, 0)).toBe(caretOffset('ab\ncd', 2, 1));
  });
});
