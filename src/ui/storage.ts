/**
 * Where the document is kept between visits, so that nothing the user typed is lost: localStorage for
 * a document that fits (read synchronously at startup), IndexedDB for one that does not (an imported
 * module of several MB: localStorage holds ~5 MB per origin and throws a quota error past it). When the
 * document lives in IndexedDB, localStorage holds a marker saying so.
 */

export const STORAGE_KEY = 'partir-explorer/doc';

/** The localStorage value that says "the document is in IndexedDB". Never valid config JSON. */
export const IN_INDEXEDDB = '{"savedIn":"indexeddb"}';

/** Documents longer than this go to IndexedDB (localStorage stores UTF-16: ~2 bytes a character). */
export const LOCAL_MAX_CHARS = 1_000_000;

/** The two places, behind an interface so that the save rules can be tested without a browser. */
export interface DocStore {
  readLocal(): string | null;
  /** Throws when the browser refuses (quota, storage disabled). */
  writeLocal(text: string): void;
  readBig(): Promise<string | null>;
  writeBig(text: string): Promise<void>;
}

export type SaveResult = { ok: true; where: 'local' | 'indexeddb' } | { ok: false; error: string };

const reason = (e: unknown): string => (e instanceof Error ? `${e.name}: ${e.message}` : String(e));

/** Saves `text`, in localStorage when it fits, else in IndexedDB; says why when neither takes it. */
export async function saveDoc(store: DocStore, text: string): Promise<SaveResult> {
  let localError: unknown;
  if (text.length <= LOCAL_MAX_CHARS) {
    try {
      store.writeLocal(text);
      return { ok: true, where: 'local' };
    } catch (e) {
      localError = e; // full or disabled: IndexedDB has a far larger quota
    }
  }
  try {
    await store.writeBig(text);
  } catch (e) {
    return { ok: false, error: localError ? `${reason(localError)}; ${reason(e)}` : reason(e) };
  }
  try {
    store.writeLocal(IN_INDEXEDDB);
  } catch {
    // localStorage refuses even the marker: startup also looks in IndexedDB when localStorage is empty
  }
  return { ok: true, where: 'indexeddb' };
}

const DB_NAME = 'partir-explorer';
const DB_STORE = 'docs';
const DB_KEY = 'current';

function openDb(): Promise<IDBDatabase> {
  return new Promise((resolve, reject) => {
    const req = indexedDB.open(DB_NAME, 1);
    req.onupgradeneeded = () => req.result.createObjectStore(DB_STORE);
    req.onsuccess = () => resolve(req.result);
    req.onerror = () => reject(req.error ?? new Error('IndexedDB cannot be opened'));
  });
}

function inStore<T>(mode: IDBTransactionMode, run: (s: IDBObjectStore) => IDBRequest<T>): Promise<T> {
  return openDb().then((db) => new Promise<T>((resolve, reject) => {
    const tx = db.transaction(DB_STORE, mode);
    const req = run(tx.objectStore(DB_STORE));
    tx.oncomplete = () => {
      db.close();
      resolve(req.result);
    };
    tx.onerror = tx.onabort = () => {
      db.close();
      reject(tx.error ?? req.error ?? new Error('IndexedDB transaction failed'));
    };
  }));
}

/** localStorage and IndexedDB of this origin. */
export function browserDocStore(): DocStore {
  return {
    readLocal: () => {
      try {
        return localStorage.getItem(STORAGE_KEY);
      } catch {
        return null;
      }
    },
    writeLocal: (text) => localStorage.setItem(STORAGE_KEY, text),
    readBig: async () => {
      if (typeof indexedDB === 'undefined') return null;
      const v = await inStore('readonly', (s) => s.get(DB_KEY) as IDBRequest<unknown>);
      return typeof v === 'string' ? v : null;
    },
    writeBig: async (text) => {
      if (typeof indexedDB === 'undefined') throw new Error('IndexedDB is not available');
      await inStore('readwrite', (s) => s.put(text, DB_KEY));
    },
  };
}
