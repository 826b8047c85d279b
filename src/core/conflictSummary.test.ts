import { describe, expect, it } from 'vitest';
import type { ConflictGroupJson, ConflictJson } from './report';
import { conflictGroupLine, conflictSummary } from './conflictSummary';

const group = (expected: boolean, count: number): ConflictGroupJson => ({
  expected, tactic: 'Z3', against: 'BP', axis: 'batch', existing: 'replicated', incoming: 'dim 0', count, values: ['params/w'], first: '', explanation: '',
});
const conflicts = (n: number) => Array.from({ length: n }, () => ({}) as ConflictJson);

describe('conflictSummary', () => {
  it('says whether all of a stage\'s conflicts are the expected ones, or how many need attention', () => {
    expect(conflictSummary({ conflicts: [], conflictGroups: [] })).toBe('0');
    expect(conflictSummary({ conflicts: conflicts(259), conflictGroups: [group(true, 259)] })).toBe('259 · all expected');
    expect(conflictSummary({ conflicts: conflicts(28), conflictGroups: [group(false, 3), group(true, 25)] })).toBe('28 · 3 need attention');
    // a report without groups (an older one) gives the bare count
    expect(conflictSummary({ conflicts: conflicts(4) })).toBe('4');
  });
  it('prints a group with its two shardings and their tactics', () => {
    expect(conflictGroupLine(group(true, 259))).toBe('259 × expected on batch: replicated (BP) vs dim 0 (Z3)');
    expect(conflictGroupLine(group(false, 3))).toBe('3 × needs attention on batch: replicated (BP) vs dim 0 (Z3)');
  });
});
