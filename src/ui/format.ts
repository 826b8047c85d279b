/** Number formatting for people: counts, FLOPs, bytes and seconds with SI / binary prefixes. */

export function formatCount(n: number): string {
  if (!Number.isFinite(n)) return String(n);
  const abs = Math.abs(n);
  const units: [number, string][] = [[1e12, 'T'], [1e9, 'B'], [1e6, 'M'], [1e3, 'k']];
  for (const [v, u] of units) if (abs >= v) return `${trim(n / v)}${u}`;
  return String(Math.round(n));
}

export function formatFlops(n: number): string {
  if (!Number.isFinite(n)) return String(n);
  const units: [number, string][] = [[1e18, 'EFLOP'], [1e15, 'PFLOP'], [1e12, 'TFLOP'], [1e9, 'GFLOP'], [1e6, 'MFLOP'], [1e3, 'kFLOP']];
  for (const [v, u] of units) if (Math.abs(n) >= v) return `${trim(n / v)} ${u}`;
  return `${Math.round(n)} FLOP`;
}

export function formatBytes(n: number): string {
  if (!Number.isFinite(n)) return String(n);
  const units: [number, string][] = [[2 ** 40, 'TiB'], [2 ** 30, 'GiB'], [2 ** 20, 'MiB'], [2 ** 10, 'KiB']];
  for (const [v, u] of units) if (Math.abs(n) >= v) return `${trim(n / v)} ${u}`;
  return `${Math.round(n)} B`;
}

export function formatSeconds(s: number): string {
  if (!Number.isFinite(s)) return String(s);
  const a = Math.abs(s);
  if (a >= 1) return `${trim(s)} s`;
  if (a >= 1e-3) return `${trim(s * 1e3)} ms`;
  if (a >= 1e-6) return `${trim(s * 1e6)} µs`;
  return `${trim(s * 1e9)} ns`;
}

/** Three significant digits, without trailing zeros. */
function trim(x: number): string {
  return String(Number(x.toPrecision(3)));
}
