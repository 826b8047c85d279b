/**
 * The document in the URL fragment (Compiler Explorer style): restored on load, rewritten on edits,
 * re-read when the user pastes another link into the tab. Work in progress is also kept in
 * localStorage, so a bad link never costs the user their last document.
 */
import type { Config } from '../core/io/config';
import { readLink } from '../core/io/link';
import { encodeComparison } from '../core/io/url';
import { validateConfig } from '../core/io/validate';
import { DEFAULT_CONFIG } from './defaultConfig';
import { appStore, replaceDoc, startCompare, stopCompare } from './store';

export const STORAGE_KEY = 'partir-explorer/doc';
const WRITE_DEBOUNCE_MS = 150;

export type StartupSource = 'link' | 'saved' | 'default';

/**
 * Reads a fragment into a valid Config (A) and, for a compare link (`c1.<A>&b=c1.<B>`), B; or says what
 * is wrong with it. The grammar lives in core (io/link.ts), shared with the CLI's `url decode`.
 */
export function configFromFragment(fragment: string): { ok: true; config: Config; b: Config | null } | { ok: false; error: string } {
  const r = readLink(fragment);
  return r.ok ? { ok: true, config: r.config, b: r.b } : r;
}

/**
 * What the app opens with: the link's config if it is good; otherwise the saved work in progress, or
 * the default example — with a banner naming the link's problem.
 */
export function resolveStartup(fragment: string, saved: string | null): { doc: Config; docB?: Config; source: StartupSource; banner: string | null } {
  let banner: string | null = null;
  if (fragment.replace(/^#/, '') !== '') {
    const r = configFromFragment(fragment);
    if (r.ok) return r.b ? { doc: r.config, docB: r.b, source: 'link', banner: null } : { doc: r.config, source: 'link', banner: null };
    banner = `Could not open the shared link: ${r.error}.`;
  }
  if (saved !== null) {
    try {
      const doc = validateConfig(JSON.parse(saved) as unknown);
      return { doc, source: 'saved', banner: banner && `${banner} Showing your last document instead.` };
    } catch {
      // A saved document from an incompatible version is dropped silently: the default follows.
    }
  }
  return { doc: DEFAULT_CONFIG, source: 'default', banner: banner && `${banner} Showing the default example instead.` };
}

function readSaved(): string | null {
  try {
    return localStorage.getItem(STORAGE_KEY);
  } catch {
    return null;
  }
}

/** The link to this document; in the compare view it holds both A and B. */
export function shareUrl(doc: Config, docB: Config | null = null): string {
  return `${location.origin}${location.pathname}${location.search}#${encodeComparison(doc, docB)}`;
}

/** Loads the initial document into the store and keeps URL, storage and store in step. */
export function startUrlSync(): () => void {
  const start = resolveStartup(location.hash, readSaved());
  appStore.setState({ doc: start.doc, banner: start.banner });
  if (start.docB) startCompare(start.docB);
  // Keep a bad link in the address bar until the user edits, so it can still be copied or fixed.
  let written = start.source === 'link' ? location.hash.slice(1) : '';

  let timer: ReturnType<typeof setTimeout> | undefined;
  const unsubscribe = appStore.subscribe((s, prev) => {
    if (s.doc === prev.doc && s.docB === prev.docB) return;
    clearTimeout(timer);
    timer = setTimeout(() => {
      const now = appStore.getState();
      const frag = encodeComparison(now.doc, now.docB);
      if (frag !== written) {
        written = frag;
        history.replaceState(history.state, '', `#${frag}`);
      }
      try {
        localStorage.setItem(STORAGE_KEY, JSON.stringify(now.doc));
      } catch {
        // Storage full or disabled: the URL still holds the document.
      }
    }, WRITE_DEBOUNCE_MS);
  });

  const onHashChange = () => {
    const frag = location.hash.slice(1);
    if (frag === written || frag === '') return;
    const r = configFromFragment(frag);
    written = frag;
    if (r.ok) {
      replaceDoc(r.config);
      if (r.b) startCompare(r.b);
      else if (appStore.getState().docB) stopCompare();
      appStore.setState({ banner: null });
    } else {
      appStore.setState({ banner: `Could not open the pasted link: ${r.error}. Your document is unchanged.` });
    }
  };
  window.addEventListener('hashchange', onHashChange);
  return () => {
    clearTimeout(timer);
    unsubscribe();
    window.removeEventListener('hashchange', onHashChange);
  };
}
