import { UserError } from '../errors';
import type { Config, HardwarePresetId, LinkKind, ModelParams, ModelSpec } from './config';
import { CONFIG_VERSION, HARDWARE_PRESET_IDS, LINK_KINDS } from './config';

/**
 * Validates (and migrates) a Config from untrusted JSON: a URL, a file, a paste. Throws a UserError whose
 * `where` is the field path (`mesh.axes[1].size`) and whose message says what is wrong; never half-loads.
 * Model params are checked against the zoo's schema later, when the model is built.
 */
export function validateConfig(json: unknown): Config {
  const root = obj(json, 'config');
  const version = root.version;
  if (version === undefined) fail('version', `missing "version" (expected ${CONFIG_VERSION})`);
  if (typeof version !== 'number' || !Number.isInteger(version)) fail('version', `"version" must be an integer, got ${show(version)}`);
  if (version > CONFIG_VERSION) fail('version', `config version ${version} is newer than this explorer understands (${CONFIG_VERSION})`);
  if (version < 1) fail('version', `unknown config version ${version}`);
  allowKeys(root, ['version', 'model', 'mesh', 'hardware', 'tactics', 'options'], 'config');

  const model = validateModel(root.model);
  const mesh = validateMesh(root.mesh);
  const hardware = validateHardware(root.hardware, mesh.axes.map((a) => a.name));
  const tactics = root.tactics ?? '';
  if (typeof tactics !== 'string') fail('tactics', `"tactics" must be the tactic program text (a string), got ${show(tactics)}`);
  const options: Config['options'] = {};
  if (root.options !== undefined) {
    const o = obj(root.options, 'options');
    allowKeys(o, ['overlap'], 'options');
    if (o.overlap !== undefined) {
      if (typeof o.overlap !== 'boolean') fail('options.overlap', `must be true or false, got ${show(o.overlap)}`);
      options.overlap = o.overlap;
    }
  }
  return { version: CONFIG_VERSION, model, mesh, hardware, tactics, options };
}

function validateModel(json: unknown): ModelSpec {
  const m = obj(json, 'model');
  if ('stablehlo' in m) {
    allowKeys(m, ['stablehlo'], 'model');
    if (typeof m.stablehlo !== 'string' || m.stablehlo.trim() === '') fail('model.stablehlo', 'must be the StableHLO module text');
    return { stablehlo: m.stablehlo };
  }
  allowKeys(m, ['zoo', 'params'], 'model');
  if (typeof m.zoo !== 'string' || m.zoo === '') fail('model.zoo', `must name a zoo model (or give "stablehlo" text), got ${show(m.zoo)}`);
  const entries: [string, number | string | boolean][] = [];
  if (m.params !== undefined) {
    const p = obj(m.params, 'model.params');
    for (const [k, v] of Object.entries(p)) {
      if (typeof v !== 'number' && typeof v !== 'string' && typeof v !== 'boolean') fail(`model.params.${k}`, `must be a number, string or boolean, got ${show(v)}`);
      if (typeof v === 'number' && !Number.isFinite(v)) fail(`model.params.${k}`, `must be a finite number, got ${show(v)}`);
      entries.push([k, v]);
    }
  }
  // fromEntries defines own properties: a "__proto__" key stays a key (and the zoo refuses it) instead of
  // setting the prototype, as `params[k] = v` would
  const params: ModelParams = Object.fromEntries(entries);
  return { zoo: m.zoo, params };
}

const AXIS_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

function validateMesh(json: unknown): Config['mesh'] {
  const m = obj(json, 'mesh');
  allowKeys(m, ['axes'], 'mesh');
  if (!Array.isArray(m.axes)) fail('mesh.axes', 'must be a list of { "name", "size" }');
  if (m.axes.length === 0) fail('mesh.axes', 'needs at least one axis');
  if (m.axes.length > 8) fail('mesh.axes', `has ${m.axes.length} axes; at most 8 are supported`);
  const seen = new Set<string>();
  let devices = 1;
  const axes = m.axes.map((a: unknown, i: number) => {
    const where = `mesh.axes[${i}]`;
    const ax = obj(a, where);
    allowKeys(ax, ['name', 'size'], where);
    if (typeof ax.name !== 'string' || !AXIS_NAME.test(ax.name)) fail(`${where}.name`, `must be an identifier such as "batch", got ${show(ax.name)}`);
    if (seen.has(ax.name)) fail(`${where}.name`, `axis "${ax.name}" appears twice`);
    seen.add(ax.name);
    if (typeof ax.size !== 'number' || !Number.isInteger(ax.size) || ax.size < 1) fail(`${where}.size`, `must be a positive integer, got ${show(ax.size)}`);
    devices *= ax.size;
    return { name: ax.name, size: ax.size };
  });
  if (devices > 65536) fail('mesh.axes', `has ${devices} devices; at most 65536 are supported`);
  return { axes };
}

function validateHardware(json: unknown, axisNames: string[]): Config['hardware'] {
  const h = obj(json ?? { preset: 'tpu-v5p' }, 'hardware');
  allowKeys(h, ['preset', 'links', 'overrides'], 'hardware');
  if (typeof h.preset !== 'string' || !(HARDWARE_PRESET_IDS as readonly string[]).includes(h.preset))
    fail('hardware.preset', `unknown hardware preset ${show(h.preset)}; choose one of ${HARDWARE_PRESET_IDS.join(', ')}`);
  const out: Config['hardware'] = { preset: h.preset as HardwarePresetId };
  if (h.links !== undefined) {
    const l = obj(h.links, 'hardware.links');
    const links: [string, LinkKind][] = [];
    for (const [k, v] of Object.entries(l)) {
      if (!axisNames.includes(k)) fail(`hardware.links.${k}`, `names no mesh axis (axes: ${axisNames.join(', ')})`);
      if (typeof v !== 'string' || !(LINK_KINDS as readonly string[]).includes(v)) fail(`hardware.links.${k}`, `unknown link kind ${show(v)}; choose one of ${LINK_KINDS.join(', ')}`);
      links.push([k, v as LinkKind]);
    }
    out.links = Object.fromEntries(links);
  }
  if (h.overrides !== undefined) {
    const o = obj(h.overrides, 'hardware.overrides');
    const overrides: [string, number][] = [];
    for (const [k, v] of Object.entries(o)) {
      if (typeof v !== 'number' || !Number.isFinite(v) || v <= 0) fail(`hardware.overrides.${k}`, `must be a positive number, got ${show(v)}`);
      overrides.push([k, v]);
    }
    // names and physical ranges are checked where the figures live (mesh/hardware.ts)
    out.overrides = Object.fromEntries(overrides);
  }
  return out;
}

function obj(v: unknown, where: string): Record<string, unknown> {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) fail(where, `must be an object, got ${show(v)}`);
  return v as Record<string, unknown>;
}

function allowKeys(o: Record<string, unknown>, keys: string[], where: string): void {
  for (const k of Object.keys(o)) if (!keys.includes(k)) fail(where === 'config' ? k : `${where}.${k}`, `unknown field "${k}" (expected ${keys.map((x) => `"${x}"`).join(', ')})`);
}

/**
 * A value for a message, at most ~40 characters. Lists and objects are described, not serialized: a
 * config nested 200,000 deep would overflow the stack in JSON.stringify.
 */
function show(v: unknown): string {
  if (v === undefined) return 'nothing';
  if (Array.isArray(v)) return `a list of ${v.length} item${v.length === 1 ? '' : 's'}`;
  if (typeof v === 'object' && v !== null) {
    const keys = Object.keys(v);
    return keys.length === 0 ? '{}' : `an object with ${keys.length === 1 ? `the field ${JSON.stringify(keys[0].slice(0, 30))}` : `${keys.length} fields`}`;
  }
  const s = typeof v === 'string' ? JSON.stringify(v.length > 40 ? v.slice(0, 40) : v) : String(v);
  return s.length > 40 ? `${s.slice(0, 37)}...` : s;
}

function fail(where: string, message: string): never {
  throw new UserError('config', `${where}: ${message}`, { where });
}
