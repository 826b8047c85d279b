/**
 * Pure edits of the document (Config → Config) used by the side panel. Renaming a mesh axis also renames
 * its link entry; the tactic text is left alone (the editor then marks the now-unknown axis).
 */
import type { Config, HardwarePresetId, LinkKind, ModelParams } from '../core/io/config';
import { HARDWARE_PRESETS } from '../core/mesh/hardware';

/** The link kinds a preset's family has: TPU slices talk over ICI or DCN, GPUs over NVLink, IB or DCN. */
export function linkKindsFor(preset: HardwarePresetId): LinkKind[] {
  return HARDWARE_PRESETS[preset]?.family === 'gpu' ? ['nvlink', 'ib', 'dcn'] : ['ici', 'dcn'];
}

/** The nearest link of the other family: the fast in-pod/in-node link ↔ its counterpart. */
const LINK_TWIN: Record<'tpu' | 'gpu', Partial<Record<LinkKind, LinkKind>>> = {
  tpu: { nvlink: 'ici', ib: 'dcn' },
  gpu: { ici: 'nvlink' },
};

export function setModelParam(doc: Config, name: string, value: number | string | boolean): Config {
  if (!('zoo' in doc.model)) return doc;
  const params: ModelParams = { ...(doc.model.params ?? {}), [name]: value };
  return { ...doc, model: { zoo: doc.model.zoo, params } };
}

/** Switching models starts from the new model's defaults: params of another model rarely apply. */
export function setZooModel(doc: Config, zoo: string, defaults: ModelParams): Config {
  if ('zoo' in doc.model && doc.model.zoo === zoo) return doc;
  return { ...doc, model: { zoo, params: { ...defaults } } };
}

export function setAxisSize(doc: Config, index: number, size: number): Config {
  const axes = doc.mesh.axes.map((a, i) => (i === index ? { ...a, size } : a));
  return { ...doc, mesh: { axes } };
}

export function renameAxis(doc: Config, index: number, name: string): Config {
  const old = doc.mesh.axes[index]?.name;
  if (old === undefined || old === name) return doc;
  const axes = doc.mesh.axes.map((a, i) => (i === index ? { ...a, name } : a));
  // entries, not `old in links` / `links[name] =`: axis names such as "constructor" or "__proto__" are
  // keys of Object.prototype, which `in` finds and `=` would not store as keys
  const links = Object.fromEntries(Object.entries(doc.hardware.links ?? {}).map(([a, k]) => [a === old ? name : a, k]));
  return { ...doc, mesh: { axes }, hardware: { ...doc.hardware, links } };
}

/** A fresh axis gets a name not already used (`axis2`, `axis3`, …) and size 2. */
export function addAxis(doc: Config): Config {
  const used = new Set(doc.mesh.axes.map((a) => a.name));
  let k = doc.mesh.axes.length;
  while (used.has(`axis${k}`)) k++;
  const name = `axis${k}`;
  return {
    ...doc,
    mesh: { axes: [...doc.mesh.axes, { name, size: 2 }] },
    hardware: { ...doc.hardware, links: { ...(doc.hardware.links ?? {}), [name]: linkKindsFor(doc.hardware.preset)[0] } },
  };
}

export function removeAxis(doc: Config, index: number): Config {
  const gone = doc.mesh.axes[index];
  if (!gone) return doc;
  const links = Object.fromEntries(Object.entries(doc.hardware.links ?? {}).filter(([a]) => a !== gone.name));
  return { ...doc, mesh: { axes: doc.mesh.axes.filter((_, i) => i !== index) }, hardware: { ...doc.hardware, links } };
}

/** Switching between TPU and GPU presets also maps each axis's link to the new family's counterpart. */
export function setPreset(doc: Config, preset: HardwarePresetId): Config {
  const family = HARDWARE_PRESETS[preset]?.family ?? 'tpu';
  // fromEntries keeps an axis named "__proto__" as a key
  const links: Record<string, LinkKind> = Object.fromEntries(Object.entries(doc.hardware.links ?? {}).map(([axis, kind]) => [axis, LINK_TWIN[family][kind] ?? kind]));
  return { ...doc, hardware: { ...doc.hardware, preset, links } };
}

export function setLink(doc: Config, axis: string, kind: LinkKind): Config {
  // a computed key defines an own property, also for an axis named "__proto__"
  return { ...doc, hardware: { ...doc.hardware, links: { ...(doc.hardware.links ?? {}), [axis]: kind } } };
}

export function setOverlap(doc: Config, overlap: boolean): Config {
  return { ...doc, options: { ...(doc.options ?? {}), overlap } };
}

export const deviceCountOf = (doc: Config): number => doc.mesh.axes.reduce((n, a) => n * a.size, 1);
