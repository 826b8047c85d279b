/**
 * Figures for people, the one set of formatters: the CLI, the Markdown report, the UI and the scripts
 * all print bytes, seconds, FLOPs, counts and percentages through these, so a figure reads the same
 * everywhere. Each keeps three significant digits; a missing figure (NaN, ±∞) prints '—'.
 */

const BYTE_UNITS = ['B', 'KiB', 'MiB', 'GiB', 'TiB', 'PiB'];

/** Three significant digits (two decimals below 10, one below 100, none above). */
const digits3 = (v: number): string => {
  const a = Math.abs(v);
  return a >= 100 ? v.toFixed(0) : a >= 10 ? v.toFixed(1) : v.toFixed(2);
};

/** Binary units, as device memory is sold: 1.50 GiB, 512 MiB, 0 B. */
export function formatBytes(bytes: number): string {
  if (!Number.isFinite(bytes)) return '—';
  const sign = bytes < 0 ? '-' : '';
  let v = Math.abs(bytes);
  let u = 0;
  while (v >= 1024 && u < BYTE_UNITS.length - 1) {
    v /= 1024;
    u++;
  }
  return `${sign}${u === 0 ? v.toFixed(0) : digits3(v)} ${BYTE_UNITS[u]}`;
}

/** Seconds in the unit that keeps 3 significant digits: 1.23 s, 45.6 ms, 789 µs, 12.0 ns. */
export function formatSeconds(s: number): string {
  if (!Number.isFinite(s)) return '—';
  if (s === 0) return '0 s';
  const a = Math.abs(s);
  const [v, unit] = a >= 1 ? [s, 's'] : a >= 1e-3 ? [s * 1e3, 'ms'] : a >= 1e-6 ? [s * 1e6, 'µs'] : [s * 1e9, 'ns'];
  return `${digits3(v)} ${unit}`;
}

/** A fraction as a percentage: 0.4567 → 45.7 %, 0.05 → 5.00 %. */
export function formatPercent(f: number): string {
  if (!Number.isFinite(f)) return '—';
  const p = f * 100;
  return `${Math.abs(p) >= 10 ? p.toFixed(1) : p.toFixed(2)} %`;
}

/** A signed change as a percentage: +12.3 %, −4.50 % (a true minus sign), ±0 for none. */
export function formatSignedPercent(f: number): string {
  if (f === 0) return '±0';
  if (Number.isNaN(f)) return '—';
  if (!Number.isFinite(f)) return f > 0 ? '+∞' : '−∞';
  return `${f > 0 ? '+' : '−'}${formatPercent(Math.abs(f))}`;
}

/** B relative to A as a signed percentage of A: +12.3 %, −4.50 %, ±0 when equal, ±∞ from zero. */
export const formatChange = (a: number, b: number): string =>
  a === b ? '±0' : a === 0 ? (b > 0 ? '+∞' : '−∞') : formatSignedPercent((b - a) / Math.abs(a));

/** FLOPs with SI prefixes: 3.2 PFLOP, 999 FLOP. */
export function formatFlops(f: number): string {
  if (!Number.isFinite(f)) return '—';
  const units = ['', 'k', 'M', 'G', 'T', 'P', 'E'];
  let v = f;
  let u = 0;
  while (Math.abs(v) >= 1000 && u < units.length - 1) {
    v /= 1000;
    u++;
  }
  return `${Math.abs(v) >= 100 ? v.toFixed(0) : v.toFixed(1)} ${units[u]}FLOP`;
}

/** A headline count in short form, as parameter counts are quoted: 17.1M, 1.3B, 950. */
export function formatCount(n: number): string {
  if (!Number.isFinite(n)) return '—';
  const units: [number, string][] = [[1e12, 'T'], [1e9, 'B'], [1e6, 'M'], [1e3, 'k']];
  for (const [v, u] of units) if (Math.abs(n) >= v) return `${Number((n / v).toPrecision(3))}${u}`;
  return String(Math.round(n));
}

/** An integer with thin grouping, where every digit matters (axis ticks, exact counts): 1234567 → 1,234,567. */
export const formatInteger = (n: number): string => (Number.isFinite(n) ? Math.round(n).toLocaleString('en-US') : '—');
