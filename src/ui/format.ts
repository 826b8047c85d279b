/**
 * Number formatting for the panels: the charts' bytes, seconds and FLOPs, plus short counts for headline
 * figures (17.1M parameters) where the charts group digits (17,104,896).
 */
export { formatBytes, formatFlops, formatSeconds } from './charts/format';

export function formatCount(n: number): string {
  if (!Number.isFinite(n)) return String(n);
  const units: [number, string][] = [[1e12, 'T'], [1e9, 'B'], [1e6, 'M'], [1e3, 'k']];
  for (const [v, u] of units) if (Math.abs(n) >= v) return `${Number((n / v).toPrecision(3))}${u}`;
  return String(Math.round(n));
}
