import { describe, it, expect } from 'vitest';
import { formatBytes, formatChange, formatCount, formatFlops, formatInteger, formatPercent, formatSeconds, formatSignedPercent } from './units';

describe('formatBytes', () => {
  it('uses binary units and three significant digits', () => {
    expect(formatBytes(0)).toBe('0 B');
    expect(formatBytes(1023)).toBe('1023 B');
    expect(formatBytes(1024)).toBe('1.00 KiB');
    expect(formatBytes(1.5 * 2 ** 30)).toBe('1.50 GiB');
    expect(formatBytes(95 * 2 ** 30)).toBe('95.0 GiB');
    expect(formatBytes(512 * 2 ** 20)).toBe('512 MiB');
    expect(formatBytes(-2048)).toBe('-2.00 KiB');
  });
  it('does not crash on missing figures', () => {
    expect(formatBytes(Number.NaN)).toBe('—');
  });
});

describe('formatSeconds', () => {
  it('picks s, ms, µs or ns', () => {
    expect(formatSeconds(1.234)).toBe('1.23 s');
    expect(formatSeconds(0.0456)).toBe('45.6 ms');
    expect(formatSeconds(789e-6)).toBe('789 µs');
    expect(formatSeconds(12e-9)).toBe('12.0 ns');
    expect(formatSeconds(0)).toBe('0 s');
  });
});

describe('formatPercent, formatFlops, formatCount, formatInteger', () => {
  it('formats fractions as percentages', () => {
    expect(formatPercent(0.4567)).toBe('45.7 %');
    expect(formatPercent(0.05)).toBe('5.00 %');
  });
  it('formats FLOPs with SI prefixes', () => {
    expect(formatFlops(3.2e15)).toBe('3.2 PFLOP');
    expect(formatFlops(999)).toBe('999 FLOP');
  });
  it('groups thousands where every digit matters', () => {
    expect(formatInteger(1234567)).toBe('1,234,567');
  });
  it('shortens headline counts as parameter counts are quoted', () => {
    expect(formatCount(17_104_896)).toBe('17.1M');
    expect(formatCount(1.3e9)).toBe('1.3B');
    expect(formatCount(175e9)).toBe('175B');
    expect(formatCount(950)).toBe('950');
    expect(formatCount(Number.NaN)).toBe('—');
  });
});

describe('formatSignedPercent, formatChange', () => {
  it('signs a change with a true minus and keeps the percentage digits', () => {
    expect(formatSignedPercent(0.123)).toBe('+12.3 %');
    expect(formatSignedPercent(-0.045)).toBe('−4.50 %');
    expect(formatSignedPercent(0)).toBe('±0');
  });
  it('states B relative to A, with the edge cases of equal and zero', () => {
    expect(formatChange(2, 3)).toBe('+50.0 %');
    expect(formatChange(4, 3)).toBe('−25.0 %');
    expect(formatChange(5, 5)).toBe('±0');
    expect(formatChange(0, 1)).toBe('+∞');
    expect(formatChange(-2, -1)).toBe('+50.0 %');
  });
});
