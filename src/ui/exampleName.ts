/**
 * Which example is open, read from the document itself: the default, or the Examples menu's gallery
 * entry whose config it equals. An edit makes it "edited from" that example; nothing is stored.
 */
import type { Config } from '../core/io/config';
import { GALLERY } from '../core/models/gallery';
import { PIPELINE_GALLERY } from '../core/mpmd/gallery';
import { DEFAULT_CONFIG } from './defaultConfig';

/** Key order does not matter: JSON with sorted keys. */
function canonical(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(canonical).join(',')}]`;
  if (v && typeof v === 'object') {
    const o = v as Record<string, unknown>;
    return `{${Object.keys(o).filter((k) => o[k] !== undefined).sort().map((k) => `${JSON.stringify(k)}:${canonical(o[k])}`).join(',')}}`;
  }
  return JSON.stringify(v);
}

const known: { title: string; config: Config }[] = [
  { title: 'Small transformer · BP+MP (default)', config: DEFAULT_CONFIG },
  ...GALLERY.map((g) => ({ title: g.title, config: g.config })),
  // the published pipelined runs of the Examples menu
  ...PIPELINE_GALLERY.map((g) => ({ title: g.title, config: g.config })),
];
const byText = new Map(known.map((k) => [canonical(k.config), k.title]));
// An edited example keeps its model: named by the model part of the title (`T32` of `T32 · BP+MP`).
const byModel = new Map(known.map((k) => [canonical(k.config.model), k.title.split(' · ')[0]]));

export interface ExampleName {
  title: string;
  /** The document differs from the example (tactics, mesh or hardware edited), same model: the title names the model only. */
  edited: boolean;
}

export function exampleName(doc: Config): ExampleName | null {
  const exact = byText.get(canonical(doc));
  if (exact) return { title: exact, edited: false };
  const model = byModel.get(canonical(doc.model));
  return model ? { title: model, edited: true } : null;
}

/** The model's name as the user chose it: the zoo name (`t32`), or the imported module's `@name`. */
export function modelChoice(doc: Config): string {
  if ('zoo' in doc.model) return doc.model.zoo;
  return /^\s*module\s+@([\w.$-]+)/m.exec(doc.model.stablehlo)?.[1] ?? 'imported module';
}
