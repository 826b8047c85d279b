import { UserError } from '../errors';

export interface MeshAxis {
  readonly name: string;
  readonly size: number;
}

/** An ordered list of named axes; devices are the row-major product of the axes. */
export interface Mesh {
  readonly axes: readonly MeshAxis[];
}

export const deviceCount = (mesh: Mesh): number => mesh.axes.reduce((n, a) => n * a.size, 1);

export function axisSize(mesh: Mesh, name: string): number {
  const a = mesh.axes.find((x) => x.name === name);
  if (!a) throw new UserError('mesh', `unknown mesh axis "${name}" (mesh has ${mesh.axes.map((x) => `"${x.name}"`).join(', ') || 'no axes'})`);
  return a.size;
}

/** Product of the sizes of `axes`. */
export const groupSize = (mesh: Mesh, axes: readonly string[]): number => axes.reduce((n, a) => n * axisSize(mesh, a), 1);

/** Coordinates of device `d` along each axis (row-major: the last axis varies fastest). */
export function deviceCoords(mesh: Mesh, d: number): number[] {
  const c = new Array<number>(mesh.axes.length);
  for (let i = mesh.axes.length - 1; i >= 0; i--) {
    c[i] = d % mesh.axes[i].size;
    d = Math.floor(d / mesh.axes[i].size);
  }
  return c;
}

export function deviceIndex(mesh: Mesh, coords: readonly number[]): number {
  let d = 0;
  for (let i = 0; i < mesh.axes.length; i++) d = d * mesh.axes[i].size + coords[i];
  return d;
}

/**
 * Index of device `d` within the group spanned by `axes` (major → minor, in the order given):
 * the tile it holds when a dim is tiled over those axes.
 */
export function groupIndex(mesh: Mesh, d: number, axes: readonly string[]): number {
  const c = deviceCoords(mesh, d);
  let idx = 0;
  for (const a of axes) {
    const i = mesh.axes.findIndex((x) => x.name === a);
    idx = idx * mesh.axes[i].size + c[i];
  }
  return idx;
}

/** The devices sharing every coordinate with `d` except along `axes`, ordered by groupIndex. */
export function groupMembers(mesh: Mesh, d: number, axes: readonly string[]): number[] {
  const base = deviceCoords(mesh, d);
  const idx = axes.map((a) => mesh.axes.findIndex((x) => x.name === a));
  const sizes = idx.map((i) => mesh.axes[i].size);
  const n = sizes.reduce((a, b) => a * b, 1);
  const out: number[] = [];
  for (let k = 0; k < n; k++) {
    const c = [...base];
    let r = k;
    for (let j = idx.length - 1; j >= 0; j--) {
      c[idx[j]] = r % sizes[j];
      r = Math.floor(r / sizes[j]);
    }
    out.push(deviceIndex(mesh, c));
  }
  return out;
}
