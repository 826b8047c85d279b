/** Human-readable figures for the charts. Raw values (bytes, seconds, fractions) stay in data-value attributes. */

const BYTE_UNITS = ['B', 'KiB', 'MiB', 'GiB', 'TiB', 'PiB'];

/** Binary units, as device memory is sold: 1.5 GiB, 512 MiB, 0 B. */
export function formatBytes(bytes: number): string {
  if (!Number.isFinite(bytes)) return '—';
  const sign = bytes < 0 ? '-' : '';
  let v = Math.abs(bytes);
  let u = 0;
  while (v >= 1024 && u < BYTE_UNITS.length - 1) {
    v /= 1024;
    u++;
  }
  return `${sign}${u === 0 ? v.toFixed(0) : v >= 100 ? v.toFixed(0) : v >= 10 ? v.toFixed(1) : v.toFixed(2)} ${BYTE_UNITS[u]}`;
}

/** Seconds in the unit that keeps 3 significant digits: 1.23 s, 45.6 ms, 789 µs, 12 ns. */
export function formatSeconds(s: number): string {
  if (!Number.isFinite(s)) return '—';
  if (s === 0) return '0 s';
  const a = Math.abs(s);
  const [v, unit] = a >= 1 ? [s, 's'] : a >= 1e-3 ? [s * 1e3, 'ms'] : a >= 1e-6 ? [s * 1e6, 'µs'] : a === 0 ? [0, 's'] : [s * 1e9, 'ns'];
  const av = Math.abs(v);
  return `${av >= 100 ? v.toFixed(0) : av >= 10 ? v.toFixed(1) : v.toFixed(2)} ${unit}`;
}

/** A fraction as a percentage: 0.4567 → 45.7 %. */
export function formatPercent(f: number): string {
  if (!Number.isFinite(f)) return '—';
  const p = f * 100;
  return `${Math.abs(p) >= 10 ? p.toFixed(1) : p.toFixed(2)} %`;
}

/** FLOPs with SI prefixes: 3.2 PFLOP. */
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

/** An integer count with thin grouping: 1234567 → 1,234,567. */
export const formatCount = (n: number): string => (Number.isFinite(n) ? Math.round(n).toLocaleString('en-US') : '—');
