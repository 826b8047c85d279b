/**
 * Argument shardings as JAX prints them, read into the explorer's Sharding:
 * - Shardy: `#sdy.sharding<@mesh, [{"x"}, {"y", ?}], replicated={"z"}, unreduced={"w"}>`;
 * - GSPMD: `mhlo.sharding = "{devices=[4,1,2]<=[8] last_tile_dim_replicate}"`, `"{replicated}"`.
 * GSPMD names no axes, so its tile dims are matched to a mesh's axes by the device order they imply.
 */
import { UserError } from '../../errors';
import type { Mesh } from '../../mesh/mesh';
import type { Sharding } from '../../partition/types';
import type { Attr } from './ast';
import type { Token } from './lexer';
import { Cursor, meshAxes } from './parser';
import type { AxisRef, DimSharding, TensorSharding } from '../../partition/shardy/sharding';

/**
 * A sharding read from the text: tiled dims and partial axes (full mesh axes, for seeding PartIR
 * tactics), axes explicitly pinned replicated, and the Shardy sharding with every detail (`sdy`).
 */
export interface ImportedSharding extends Sharding {
  readonly mesh?: string;
  readonly replicated: readonly string[];
  /** Axis order, open/closed dims, priorities, sub-axes, unreduced kind: all of it, as written. */
  readonly sdy?: TensorSharding;
  /** The axes of an inline `mesh<[…]>`, when the sharding carries its own mesh. */
  readonly inlineMesh?: readonly { name: string; size: number }[];
}

const bad = (message: string) => new UserError('stablehlo-sharding', message);

/** Name given to an inline mesh (Shardy's import lifts them to `@mesh`, `@mesh_0`…; one name per axis list). */
export const inlineMeshName = (axes: readonly { name: string; size: number }[]): string =>
  `inline_mesh_${axes.map((a) => `${a.name}_${a.size}`).join('_') || 'empty'}`;

/**
 * Reads `#sdy.sharding<@mesh, [dims], replicated={…}, unreduced={…}>` (or the stripped `<@mesh, …>`
 * of op attributes and sdy ops) from its tokens. `rank` is checked when given.
 */
export function parseSdySharding(tokens: readonly Token[], rank?: number): ImportedSharding {
  const end = tokens[tokens.length - 1];
  const c = new Cursor([...tokens, { ...end, kind: 'eof', text: '' }]);
  const s = readSdySharding(c);
  if (rank !== undefined && s.dims.length !== rank) throw bad(`sdy sharding has ${s.dims.length} dim shardings for a tensor of rank ${rank}`);
  return s;
}

/** One sharding at the cursor (`#sdy.sharding` optional), leaving the cursor after its closing `>`. */
export function readSdySharding(c: Cursor): ImportedSharding {
  if (c.peek().kind === 'hash') c.next();
  c.expect('<');
  let mesh: string;
  let inlineMesh: { name: string; size: number }[] | undefined;
  if (c.peek().kind === 'sym') mesh = c.next().text;
  else if (c.is('mesh')) {
    c.next();
    inlineMesh = meshAxes(c, (message) => bad(`inline mesh: ${message}`));
    mesh = inlineMeshName(inlineMesh);
  } else throw bad('expected "@mesh" or an inline mesh<[…]> at the start of an sdy sharding');
  c.expect(',');
  const dims: DimSharding[] = [];
  c.expect('[');
  if (!c.is(']')) {
    do {
      c.expect('{');
      const axes: AxisRef[] = [];
      let closed = true;
      while (!c.is('}')) {
        if (c.eat('?')) closed = false;
        else if (c.peek().kind === 'str') axes.push(readAxisRef(c));
        else if (!c.eat(',')) throw bad(`unexpected "${c.peek().text}" in a dim sharding`);
      }
      c.expect('}');
      let priority: number | undefined;
      const p = c.peek();
      if (p.kind === 'ident' && /^p\d+$/.test(p.text)) {
        c.next();
        priority = Number(p.text.slice(1));
      }
      dims.push(priority === undefined ? { axes, closed } : { axes, closed, priority });
    } while (c.eat(','));
  }
  c.expect(']');
  let replicated: AxisRef[] = [], unreduced: AxisRef[] = [];
  let unreducedKind: TensorSharding['unreducedKind'];
  while (c.eat(',')) {
    const key = c.next().text;
    c.expect('=');
    if (key === 'unreduced' && c.peek().kind === 'ident') {
      const k = c.next().text;
      if (k !== 'sum' && k !== 'max' && k !== 'min') throw bad(`unknown reduction "${k}" in unreduced=…`);
      unreducedKind = k;
    }
    const axes = axisSet(c);
    if (key === 'replicated') replicated = axes;
    else if (key === 'unreduced') unreduced = axes;
    else throw bad(`unknown field "${key}" in an sdy sharding`);
  }
  c.expect('>');
  const sdy: TensorSharding = { mesh, dims, replicated, unreduced, ...(unreducedKind ? { unreducedKind } : {}) };
  return {
    mesh,
    dims: dims.map((d) => d.axes.filter((a) => !a.sub).map((a) => a.name)),
    partial: unreduced.filter((a) => !a.sub).map((a) => a.name),
    replicated: replicated.filter((a) => !a.sub).map((a) => a.name),
    sdy,
    ...(inlineMesh ? { inlineMesh } : {}),
  };
}

/** `"x"` or the sub-axis `"x":(1)2`. */
function readAxisRef(c: Cursor): AxisRef {
  const name = c.next().text;
  if (!c.eat(':')) return { name };
  c.expect('(');
  const pre = Number(c.next().text);
  c.expect(')');
  const size = Number(c.next().text);
  if (!Number.isInteger(pre) || pre < 1 || !Number.isInteger(size) || size < 2) throw bad(`bad sub-axis "${name}":(${pre})${size}: the pre-size must be ≥ 1 and the size ≥ 2`);
  return { name, sub: { pre, size } };
}

function axisSet(c: Cursor): AxisRef[] {
  c.expect('{');
  const out: AxisRef[] = [];
  while (!c.is('}')) {
    if (c.peek().kind === 'str') out.push(readAxisRef(c));
    else if (!c.eat(',')) throw bad(`unexpected "${c.peek().text}" in an axis set`);
  }
  c.expect('}');
  return out;
}

/** The parts of a GSPMD `HloSharding` string that matter for seeding. */
export interface HloShardingSpec {
  readonly replicated: boolean;
  /** Tiles per tensor dim, then (with lastTileReplicate) the replication count. */
  readonly tile: readonly number[];
  readonly lastTileReplicate: boolean;
  /** Device order as `reshape(iota(N), reshape).transpose(perm)`; undefined for an explicit list. */
  readonly reshape?: readonly number[];
  readonly perm?: readonly number[];
  readonly devices?: readonly number[];
}

export function parseHloSharding(text: string): HloShardingSpec {
  const s = text.trim();
  if (/^\{\s*(replicated|manual)\s*\}$/.test(s) || /^\{\s*maximal\b/.test(s)) return { replicated: true, tile: [], lastTileReplicate: false };
  const m = /^\{\s*devices=\[([\d,\s]+)\]\s*(.*?)\s*\}$/.exec(s);
  if (!m) throw bad(`unsupported mhlo.sharding "${text}"`);
  const tile = m[1].split(',').map((x) => Number(x.trim()));
  let rest = m[2];
  const lastTileReplicate = /\blast_tile_dim_replicate\b/.test(rest);
  if (/\blast_tile_dims=/.test(rest)) throw bad(`mhlo.sharding with last_tile_dims (manual/partial subgroups) is not supported: "${text}"`);
  rest = rest.replace(/\blast_tile_dim_replicate\b/, '').trim();
  const iota = /^<=\[([\d,\s]+)\](?:T\(([\d,\s]+)\))?$/.exec(rest);
  if (iota) {
    const reshape = iota[1].split(',').map((x) => Number(x.trim()));
    const perm = iota[2] ? iota[2].split(',').map((x) => Number(x.trim())) : reshape.map((_, i) => i);
    return { replicated: false, tile, lastTileReplicate, reshape, perm };
  }
  const devices = rest.split(',').filter((x) => x.trim() !== '').map((x) => Number(x.trim()));
  if (devices.some((d) => !Number.isInteger(d))) throw bad(`cannot read the device list of mhlo.sharding "${text}"`);
  return { replicated: false, tile, lastTileReplicate, devices };
}

/**
 * Maps a GSPMD tiling onto the named axes of `mesh`: the device order must be the mesh's
 * row-major order, possibly with whole axes transposed, so that each tile dim is a run of mesh axes.
 */
export function hloToSharding(spec: HloShardingSpec, rank: number, mesh: Mesh): ImportedSharding {
  if (spec.replicated) return { dims: Array.from({ length: rank }, () => []), partial: [], replicated: [] };
  const n = mesh.axes.reduce((a, x) => a * x.size, 1);
  const total = spec.tile.reduce((a, b) => a * b, 1);
  const dimsCount = spec.tile.length - (spec.lastTileReplicate ? 1 : 0);
  if (dimsCount !== rank) throw bad(`mhlo.sharding tiles ${dimsCount} dims of a tensor of rank ${rank}`);
  if (total !== n) throw bad(`mhlo.sharding spans ${total} devices but the mesh has ${n}`);
  let reshape = spec.reshape, perm = spec.perm;
  if (spec.devices) {
    if (spec.devices.length !== n || spec.devices.some((d, i) => d !== i)) throw bad('mhlo.sharding with a non-iota device list is not supported');
    reshape = [n];
    perm = [0];
  }
  if (!reshape || !perm) throw bad('mhlo.sharding without a device order');
  // split every reshape dim into consecutive mesh axes (iota order is row-major over the mesh)
  const groups: string[][] = [];
  let k = 0;
  for (const size of reshape) {
    const g: string[] = [];
    let prod = 1;
    while (prod < size && k < mesh.axes.length) {
      prod *= mesh.axes[k].size;
      g.push(mesh.axes[k].name);
      k++;
    }
    while (prod === size && size === 1 && k < mesh.axes.length && mesh.axes[k].size === 1) { g.push(mesh.axes[k].name); k++; }
    if (prod !== size) throw bad(`mhlo.sharding device order [${reshape.join(',')}] does not follow the mesh axes`);
    groups.push(g);
  }
  const order = perm.flatMap((p) => groups[p] ?? []);
  const sizeOf = (a: string) => mesh.axes.find((x) => x.name === a)?.size ?? 1;
  const dims: string[][] = [];
  let j = 0;
  for (const t of spec.tile) {
    const d: string[] = [];
    let prod = 1;
    while (prod < t && j < order.length) {
      prod *= sizeOf(order[j]);
      d.push(order[j]);
      j++;
    }
    if (prod !== t) throw bad(`mhlo.sharding tile [${spec.tile.join(',')}] does not split along the mesh axes`);
    dims.push(d);
  }
  if (spec.lastTileReplicate) dims.pop();
  return { dims, partial: [], replicated: [] };
}

/** The tokens of an attribute that holds a sharding (`#sdy.sharding<…>`, `<@mesh, …>`). */
export function tokensOfAttr(a: Attr): readonly Token[] {
  if (a.kind === 'struct' || a.kind === 'other') return a.tokens;
  throw bad('expected an sdy sharding #sdy.sharding<@mesh, [...]>');
}

/** `#sdy.sharding_per_value<[<@mesh, […]>, …]>`: one sharding per op result. */
export function parseShardingPerValue(tokens: readonly Token[]): ImportedSharding[] {
  const end = tokens[tokens.length - 1];
  const c = new Cursor([...tokens, { ...end, kind: 'eof', text: '' }]);
  if (c.peek().kind === 'hash') {
    const h = c.next();
    if (h.text !== 'sdy.sharding_per_value') throw bad(`expected #sdy.sharding_per_value<[…]>, found #${h.text}`);
  }
  c.expect('<');
  c.expect('[');
  const out: ImportedSharding[] = [];
  if (!c.is(']')) {
    do out.push(readSdySharding(c));
    while (c.eat(','));
  }
  c.expect(']');
  c.expect('>');
  return out;
}
