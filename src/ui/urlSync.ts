/**
 * The document in the URL fragment (Compiler Explorer style): restored on load, rewritten on edits,
 * re-read when the user pastes another link into the tab. Work in progress is also kept in the browser
 * (storage.ts: localStorage, IndexedDB for a document too large for it), so a bad link never costs the
 * user their last document, and a document too large for a link is kept all the same.
 */
import type { Config } from '../core/io/config';
import { readLink } from '../core/io/link';
import { encodeComparison, MAX_FRAGMENT_CHARS, MAX_INFLATED_BYTES } from '../core/io/url';
import { validateConfig } from '../core/io/validate';
import { browserDocStore, IN_INDEXEDDB, saveDoc, type DocStore } from './storage';
import { DEFAULT_CONFIG } from './defaultConfig';
import { appStore, replaceDoc, startCompare, stopCompare } from './store';

export { STORAGE_KEY } from './storage';
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
    } catch (e) {
      // A saved document this version cannot read (another version's, or damaged): say so, then the default.
      const why = `Your last document, kept in this browser, could not be read back (${e instanceof Error ? e.message : String(e)}).`;
      banner = banner ? `${banner} ${why}` : why;
    }
  }
  return { doc: DEFAULT_CONFIG, source: 'default', banner: banner && `${banner} Showing the default example instead.` };
}

/** Whether a fragment is too long for a link a browser keeps (and that decodeFragment reads). */
export const linkTooLong = (fragment: string): boolean => fragment.length > MAX_FRAGMENT_CHARS;

/**
 * The fragment for A (and B), or null when the document is too large for a link. A document whose JSON
 * is past the inflate cap could not be opened from a link anyway, so it is not compressed for nothing.
 */
export function fragmentFor(doc: Config, docB: Config | null): string | null {
  const size = JSON.stringify(doc).length + (docB ? JSON.stringify(docB).length : 0);
  if (size > MAX_INFLATED_BYTES) return null;
  const frag = encodeComparison(doc, docB);
  return linkTooLong(frag) ? null : frag;
}

/** The link to this document (A and B when comparing), or null when it is too large for a link. */
export function shareUrl(doc: Config, docB: Config | null = null): string | null {
  const frag = fragmentFor(doc, docB);
  return frag === null ? null : `${location.origin}${location.pathname}${location.search}#${frag}`;
}

/** Set on pagehide when an edit replaced the link: `{ from, to }` fragments. */
const RELOAD_KEY = 'partir-explorer/reload';

/**
 * The fragment to open: the one an edit flushed at pagehide wrote, when this page is the reload of the
 * link that edit replaced; else the address bar's. The note is read once.
 */
function fragmentAfterReload(current: string): string {
  try {
    const note = sessionStorage.getItem(RELOAD_KEY);
    sessionStorage.removeItem(RELOAD_KEY);
    if (note === null) return current;
    const r = JSON.parse(note) as { from?: unknown; to?: unknown };
    return r.from === current && typeof r.to === 'string' ? r.to : current;
  } catch {
    return current;
  }
}

export const TOO_LARGE_FOR_LINK =
  'This document is too large for a link, so the address bar no longer holds it; it is kept in this browser. To share it, download the config file (Share).';

/**
 * Loads the initial document into the store and keeps URL, storage and store in step. Every path ends
 * in a working document: a bad link or an unreadable saved document gives a banner, never a blank page.
 */
export function startUrlSync(store: DocStore = browserDocStore()): () => void {
  const local = store.readLocal();
  const savedBig = local === IN_INDEXEDDB || local === null;
  const startFragment = fragmentAfterReload(location.hash.slice(1));
  if (startFragment !== location.hash.slice(1)) history.replaceState(history.state, '', `#${startFragment}`);
  const start = resolveStartup(startFragment, local === IN_INDEXEDDB ? null : local);
  appStore.setState({ doc: start.doc, banner: start.banner });
  if (start.docB) startCompare(start.docB);
  // Keep a bad link in the address bar until the user edits, so it can still be copied or fixed.
  let written = start.source === 'link' ? location.hash.slice(1) : '';

  if (savedBig && start.source === 'default') {
    // The last document was too large for localStorage: it is in IndexedDB (read asynchronously). It
    // replaces the default unless the user has started editing meanwhile.
    const shown = start.doc;
    store.readBig().then((text) => {
      if (text === null) return;
      if (appStore.getState().doc !== shown) return;
      const r = resolveStartup('', text);
      if (r.source === 'saved') {
        appStore.setState({ doc: r.doc, banner: start.banner && start.banner.replace('the default example', 'your last document') });
      } else {
        appStore.setState({ banner: `${start.banner ? `${start.banner} ` : ''}Your last document, kept in this browser, could not be read back; showing the default example.` });
      }
    }, (e: unknown) => {
      if (local === IN_INDEXEDDB) appStore.setState({ banner: `Your last document, kept in this browser's IndexedDB, could not be read (${e instanceof Error ? e.message : String(e)}); showing the default example.` });
    });
  }

  let tooLargeShown = false;
  let saveFailed = false;
  const write = () => {
    timer = undefined;
    const now = appStore.getState();
    const frag = fragmentFor(now.doc, now.docB);
    if (frag === null) {
      // Too large for a link: drop the old fragment, so that a reload opens the saved document rather
      // than an older link; say so once.
      if (written !== '' || location.hash !== '') {
        written = '';
        history.replaceState(history.state, '', `${location.pathname}${location.search}`);
      }
      if (!tooLargeShown) {
        tooLargeShown = true;
        appStore.setState({ banner: TOO_LARGE_FOR_LINK });
      }
    } else if (frag !== written) {
      written = frag;
      tooLargeShown = false;
      history.replaceState(history.state, '', `#${frag}`);
    }
    void saveDoc(store, JSON.stringify(now.doc)).then((r) => {
      if (r.ok) {
        saveFailed = false;
      } else if (!saveFailed) {
        saveFailed = true;
        appStore.setState({ banner: `Your document could not be saved in this browser (${r.error}). ${frag === null ? 'Download the config file (Share) to keep it.' : 'The link in the address bar still holds it.'}` });
      }
    });
  };

  let timer: ReturnType<typeof setTimeout> | undefined;
  const unsubscribe = appStore.subscribe((s, prev) => {
    if (s.doc === prev.doc && s.docB === prev.docB) return;
    clearTimeout(timer);
    timer = setTimeout(write, WRITE_DEBOUNCE_MS);
  });
  // An edit typed just before the tab closes or reloads is written now, not after the debounce.
  const flush = () => {
    if (timer === undefined) return;
    clearTimeout(timer);
    const before = location.hash.slice(1);
    write();
    // A reload already under way goes to the address it started with, whatever replaceState does now:
    // note which link this edit replaces, so that the reloaded page opens the edit instead of it.
    const after = location.hash.slice(1);
    if (after !== before && after !== '') {
      try {
        sessionStorage.setItem(RELOAD_KEY, JSON.stringify({ from: before, to: after }));
      } catch {
        // too large for sessionStorage: the saved document still holds the edit
      }
    }
  };
  const onVisibility = () => {
    if (document.visibilityState === 'hidden') flush();
  };
  window.addEventListener('pagehide', flush);
  document.addEventListener('visibilitychange', onVisibility);

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
    flush();
    unsubscribe();
    window.removeEventListener('hashchange', onHashChange);
    window.removeEventListener('pagehide', flush);
    document.removeEventListener('visibilitychange', onVisibility);
  };
}
