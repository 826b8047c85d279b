/**
 * The link grammar, shared by the app and the CLI (`url decode`): what may follow `#` in a link to
 * the explorer, and the Config(s) it stands for.
 *
 *   #c1.<data>               one configuration (url.ts: base64url of deflate-raw JSON)
 *   #c1.<A>&b=c1.<B>         a comparison of A and B
 *   #example=<gallery id>    a (model, strategy) pair of the gallery, percent-encoded
 *
 * Reading a link never throws: every problem is one message saying what is wrong with the link.
 */
import type { Config } from './config';
import { decodeComparison } from './url';
import { validateConfig } from './validate';
import { galleryEntry } from '../models/gallery';

export type LinkResult =
  | { ok: true; kind: 'config' | 'compare' | 'example'; config: Config; b: Config | null }
  | { ok: false; error: string };

export const EXAMPLE_PARAM = 'example';

/** Gallery ids are short; a longer one is refused before it is decoded or echoed. */
const MAX_EXAMPLE_ID_CHARS = 200;

/** The fragment of `input`: a whole URL (`https://…/#c1.…`), a `#fragment`, or a bare fragment. */
export function fragmentOf(input: string): string {
  const hash = input.indexOf('#');
  return hash >= 0 ? input.slice(hash + 1) : input;
}

/** `decodeURIComponent` without the throw: a malformed escape such as `%E0%A4%A` gives null. */
export function safeDecodeURIComponent(s: string): string | null {
  try {
    return decodeURIComponent(s);
  } catch {
    return null;
  }
}

/** A link's text quoted for a message: control characters escaped, long text cut. */
const shown = (s: string): string => {
  const j = JSON.stringify(s.length > 40 ? `${s.slice(0, 40)}…` : s);
  return j.replace(/[\u2028\u2029]/g, (c) => `\\u${c.charCodeAt(0).toString(16)}`);
};

function validated(json: unknown, which: string): { ok: true; config: Config } | { ok: false; error: string } {
  try {
    return { ok: true, config: validateConfig(json) };
  } catch (e) {
    const where = e instanceof Error && 'where' in e && typeof e.where === 'string' ? ` (at ${e.where})` : '';
    return { ok: false, error: `the link's ${which} is not valid${where}: ${e instanceof Error ? e.message : String(e)}` };
  }
}

/** Reads a link (URL, `#fragment` or fragment) into valid Config(s), or says what is wrong with it. */
export function readLink(input: string): LinkResult {
  const fragment = fragmentOf(input);
  if (fragment.startsWith(`${EXAMPLE_PARAM}=`)) {
    const raw = fragment.slice(EXAMPLE_PARAM.length + 1);
    if (raw.length > MAX_EXAMPLE_ID_CHARS) return { ok: false, error: `the example name in the link is ${raw.length} characters long; gallery names are short` };
    const id = safeDecodeURIComponent(raw);
    if (id === null) return { ok: false, error: `the example name ${shown(raw)} in the link is not valid percent-encoding (was the link cut off?)` };
    const entry = galleryEntry(id);
    return entry ? { ok: true, kind: 'example', config: entry.config, b: null } : { ok: false, error: `no gallery example ${shown(id)}` };
  }
  const decoded = decodeComparison(fragment);
  if (!decoded.ok) return decoded;
  const a = validated(decoded.config, 'configuration');
  if (!a.ok) return a;
  if (decoded.b === null) return { ok: true, kind: 'config', config: a.config, b: null };
  const b = validated(decoded.b, 'configuration B');
  if (!b.ok) return b;
  return { ok: true, kind: 'compare', config: a.config, b: b.config };
}
