/**
 * The URL codec: the whole Config in the URL fragment, as `c1.<base64url(deflate-raw(JSON))>`.
 *
 * The `c1` prefix versions the *encoding* (like Mermaid's `pako:`), so a later codec can coexist;
 * the Config inside carries its own schema `version`, which validation migrates or refuses.
 * Decoding never throws: a corrupt or truncated link becomes a message the app can show.
 * Pure: no DOM, no Node built-ins (fflate is plain JS).
 */
import { deflateSync, Inflate, strFromU8, strToU8 } from 'fflate';
import type { Config } from './config';
import { MAX_FRAGMENT_CHARS, MAX_INFLATED_BYTES } from '../limits';

export const URL_CODEC_PREFIX = 'c1.';

export { MAX_FRAGMENT_CHARS, MAX_INFLATED_BYTES };

/** Compressed bytes fed to the inflater at a time: each step can only produce ~1 MiB before the cap is checked. */
const INFLATE_STEP = 1024;

/**
 * Inflates raw DEFLATE data, stopping as soon as the output passes `cap`: the work done is bounded by
 * the cap, not by what the data claims to expand to.
 */
export function inflateCapped(bytes: Uint8Array, cap = MAX_INFLATED_BYTES): { ok: true; bytes: Uint8Array } | { ok: false; reason: 'too-large' | 'damaged' } {
  const parts: Uint8Array[] = [];
  let total = 0;
  let over = false;
  let ended = false;
  const inflater = new Inflate((chunk, final) => {
    total += chunk.length;
    if (total > cap) over = true;
    else parts.push(chunk);
    if (final) ended = true;
  });
  try {
    for (let i = 0; i < bytes.length && !over; i += INFLATE_STEP) inflater.push(bytes.subarray(i, i + INFLATE_STEP), i + INFLATE_STEP >= bytes.length);
  } catch {
    return { ok: false, reason: 'damaged' };
  }
  if (over) return { ok: false, reason: 'too-large' };
  if (!ended) return { ok: false, reason: 'damaged' };
  const out = new Uint8Array(total);
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return { ok: true, bytes: out };
}

const MIB = 1024 * 1024;

export type DecodeResult = { ok: true; config: unknown } | { ok: false; error: string };

const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
const LOOKUP: Int16Array = (() => {
  const t = new Int16Array(128).fill(-1);
  for (let i = 0; i < ALPHABET.length; i++) t[ALPHABET.charCodeAt(i)] = i;
  return t;
})();

/** RFC 4648 §5 base64url without padding: safe in a fragment, no percent-encoding needed. */
export function toBase64Url(bytes: Uint8Array): string {
  let out = '';
  let i = 0;
  for (; i + 2 < bytes.length; i += 3) {
    const n = (bytes[i] << 16) | (bytes[i + 1] << 8) | bytes[i + 2];
    out += ALPHABET[n >> 18] + ALPHABET[(n >> 12) & 63] + ALPHABET[(n >> 6) & 63] + ALPHABET[n & 63];
  }
  const rest = bytes.length - i;
  if (rest === 1) {
    const n = bytes[i] << 16;
    out += ALPHABET[n >> 18] + ALPHABET[(n >> 12) & 63];
  } else if (rest === 2) {
    const n = (bytes[i] << 16) | (bytes[i + 1] << 8);
    out += ALPHABET[n >> 18] + ALPHABET[(n >> 12) & 63] + ALPHABET[(n >> 6) & 63];
  }
  return out;
}

/** Inverse of toBase64Url; tolerates `=` padding. Returns an error message instead of throwing. */
export function fromBase64Url(text: string): Uint8Array | string {
  const s = text.replace(/=+$/, '');
  if (s.length % 4 === 1) return `the link's data has an impossible length (${s.length} characters); it was probably cut off`;
  const out = new Uint8Array(Math.floor((s.length * 3) / 4));
  let o = 0;
  let acc = 0;
  let bits = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    const v = c < 128 ? LOOKUP[c] : -1;
    if (v < 0) return `the link's data contains ${JSON.stringify(s[i])} at character ${i + 1}, which is not base64url`;
    acc = (acc << 6) | v;
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out[o++] = (acc >> bits) & 0xff;
    }
  }
  return out;
}

/** The fragment (without `#`) that holds `config`. */
export function encodeConfig(config: Config): string {
  return URL_CODEC_PREFIX + toBase64Url(deflateSync(strToU8(JSON.stringify(config)), { level: 9 }));
}

/**
 * Reads a fragment (with or without the leading `#`). The config comes back as `unknown`: the caller
 * validates it (io/validate.ts), since a link may come from anyone or from an older version.
 */
export function decodeFragment(fragment: string): DecodeResult {
  try {
    const f = fragment.startsWith('#') ? fragment.slice(1) : fragment;
    if (f.length === 0) return { ok: false, error: 'the link holds no configuration' };
    if (f.length > MAX_FRAGMENT_CHARS) return { ok: false, error: `the link is too long (${f.length} characters)` };
    const dot = f.indexOf('.');
    const prefix = dot < 0 ? '' : f.slice(0, dot + 1);
    if (prefix !== URL_CODEC_PREFIX) {
      const shown = dot < 0 ? f.slice(0, 12) + (f.length > 12 ? '…' : '') : f.slice(0, dot);
      return {
        ok: false,
        error: `the link's format "${shown}" is not one this version reads (expected "${URL_CODEC_PREFIX.slice(0, -1)}"); it may come from a newer version or be damaged`,
      };
    }
    const bytes = fromBase64Url(f.slice(dot + 1));
    if (typeof bytes === 'string') return { ok: false, error: bytes };
    const inflated = inflateCapped(bytes);
    if (!inflated.ok) {
      return inflated.reason === 'too-large'
        ? { ok: false, error: `this link expands past the limit of ${MAX_INFLATED_BYTES / MIB} MiB of configuration; it was not opened` }
        : { ok: false, error: 'the link is damaged: its compressed data does not decompress (was it cut off when copied?)' };
    }
    const json = strFromU8(inflated.bytes);
    try {
      return { ok: true, config: JSON.parse(json) as unknown };
    } catch {
      return { ok: false, error: 'the link is damaged: its data is not valid JSON' };
    }
  } catch (e) {
    // Defensive: nothing above should throw, but a link must never crash the app.
    return { ok: false, error: `the link could not be read (${e instanceof Error ? e.message : String(e)})` };
  }
}

/**
 * Compare links hold two configs: `c1.<A>&b=c1.<B>`. The A part is exactly a single-config fragment, so
 * every old link (`c1.<A>`) still reads as A alone; `&` never occurs in base64url, so the split is exact.
 */
export const COMPARE_PARAM = 'b';

/** The fragment (without `#`) holding A, and B when comparing. */
export function encodeComparison(a: Config, b: Config | null): string {
  const head = encodeConfig(a);
  return b ? `${head}&${COMPARE_PARAM}=${encodeConfig(b)}` : head;
}

/** The A and B parts of a fragment (with or without `#`); `b` is null for a single-config link. */
export function splitFragment(fragment: string): { a: string; b: string | null } {
  const f = fragment.startsWith('#') ? fragment.slice(1) : fragment;
  const parts = f.split('&');
  let b: string | null = null;
  for (const p of parts.slice(1)) {
    const eq = p.indexOf('=');
    if (eq > 0 && p.slice(0, eq) === COMPARE_PARAM) b = p.slice(eq + 1);
  }
  return { a: parts[0], b };
}

export type ComparisonDecodeResult = { ok: true; config: unknown; b: unknown | null } | { ok: false; error: string };

/** Reads A (required) and B (optional); a damaged B is named as such, so the message says which half broke. */
export function decodeComparison(fragment: string): ComparisonDecodeResult {
  const { a, b } = splitFragment(fragment);
  const ra = decodeFragment(a);
  if (!ra.ok) return ra;
  if (b === null) return { ok: true, config: ra.config, b: null };
  const rb = decodeFragment(b);
  if (!rb.ok) return { ok: false, error: `configuration B: ${rb.error}` };
  return { ok: true, config: ra.config, b: rb.config };
}
