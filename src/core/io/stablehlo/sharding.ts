/**
 * Argument shardings as JAX prints them, read into the explorer's Sharding:
 * - Shardy: `#sdy.sharding<@mesh, [{"x"}, {"y", ?}], replicated={"z"}, unreduced={"w"}>`;
 * - GSPMD: `mhlo.sharding = "{devices=[4,1,2]<=[8] last_tile_dim_replicate}"`, `"{replicated}"`.
 * GSPMD names no axes, so its tile dims are matched to a mesh's axes by the device order they imply.
 */
import { UserError } from '../../errors';
import type { Mesh } from '../../mesh/mesh';
import type { Sharding } from '../../partition/types';
import type { Token } from './lexer';
import { Cursor } from './parser';

/** A sharding read from the text: tiled dims and partial axes, plus axes explicitly pinned replicated. */
export interface ImportedSharding extends Sharding {
  readonly mesh?: string;
  readonly replicated: readonly string[];
}

const bad = (message: string) => new UserError('stablehlo-sharding', message);

/** Reads `#sdy.sharding<@mesh, [dims], replicated={…}, unreduced={…}>` from its tokens (`#sdy.sharding` first). */
export function parseSdySharding(tokens: readonly Token[], rank: number): ImportedSharding {
  const end = tokens[tokens.length - 1];
  const c = new Cursor([...tokens, { ...end, kind: 'eof', text: '' }]);
  if (c.peek().kind === 'hash') c.next();
  c.expect('<');
  let mesh: string | undefined;
  if (c.peek().kind === 'sym') mesh = c.next().text;
  else if (c.is('mesh')) {
    // an inline mesh: mesh<["x"=2]>; its axis names are what matter here
    c.next();
    skipAngle(c);
  } else throw bad('expected "@mesh" at the start of an sdy sharding');
  c.expect(',');
  const dims: string[][] = [];
  c.expect('[');
  if (!c.is(']')) {
    do {
      c.expect('{');
      const axes: string[] = [];
      while (!c.is('}')) {
        const t = c.next();
        if (t.kind === 'str') {
          if (c.is(':')) throw bad(`sub-axis "${t.text}":(…) is not supported in imported shardings`);
          axes.push(t.text);
        } else if (!(t.kind === 'punct' && (t.text === ',' || t.text === '?'))) {
          throw bad(`unexpected "${t.text}" in a dim sharding`);
        }
      }
      c.expect('}');
      if (c.peek().kind === 'ident' && /^p\d+$/.test(c.peek().text)) c.next(); // priority
      dims.push(axes);
    } while (c.eat(','));
  }
  c.expect(']');
  if (dims.length !== rank) throw bad(`sdy sharding has ${dims.length} dim shardings for a tensor of rank ${rank}`);
  let replicated: string[] = [], partial: string[] = [];
  while (c.eat(',')) {
    const key = c.next().text;
    c.expect('=');
    if (c.peek().kind === 'ident') c.next(); // unreduced=sum{…}
    const axes = axisSet(c);
    if (key === 'replicated') replicated = axes;
    else if (key === 'unreduced') partial = axes;
  }
  c.expect('>');
  return { mesh, dims, partial, replicated };
}

function skipAngle(c: Cursor): void {
  let depth = 0;
  do {
    const t = c.next();
    if (t.kind === 'eof') throw bad('unclosed "<"');
    if (t.kind === 'punct' && t.text === '<') depth++;
    if (t.kind === 'punct' && t.text === '>') depth--;
  } while (depth > 0);
}

function axisSet(c: Cursor): string[] {
  c.expect('{');
  const out: string[] = [];
  while (!c.is('}')) {
    const t = c.next();
    if (t.kind === 'str') out.push(t.text);
    else if (!(t.kind === 'punct' && t.text === ',')) throw bad(`unexpected "${t.text}" in an axis set`);
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
