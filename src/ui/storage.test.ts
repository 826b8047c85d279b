import { describe, expect, it } from 'vitest';
import { IN_INDEXEDDB, LOCAL_MAX_CHARS, saveDoc, type DocStore } from './storage';

/** A store whose localStorage takes at most `localQuota` characters and whose IndexedDB may fail. */
function fakeStore(localQuota: number, bigFails = false) {
  const state: { local: string | null; big: string | null } = { local: null, big: null };
  const store: DocStore = {
    readLocal: () => state.local,
    writeLocal: (t) => {
      if (t.length > localQuota) throw new DOMException('The quota has been exceeded.', 'QuotaExceededError');
      state.local = t;
    },
    readBig: async () => state.big,
    writeBig: async (t) => {
      if (bigFails) throw new Error('IndexedDB is not available');
      state.big = t;
    },
  };
  return { store, state };
}

describe('saveDoc: nothing the user typed is lost', () => {
  it('a small document goes to localStorage', async () => {
    const { store, state } = fakeStore(10_000);
    expect(await saveDoc(store, '{"a":1}')).toEqual({ ok: true, where: 'local' });
    expect(state.local).toBe('{"a":1}');
  });

  it('a quota error is not swallowed: the document goes to IndexedDB, with a marker in localStorage', async () => {
    const { store, state } = fakeStore(100);
    const text = 'x'.repeat(5000);
    expect(await saveDoc(store, text)).toEqual({ ok: true, where: 'indexeddb' });
    expect(state.big).toBe(text);
    expect(state.local).toBe(IN_INDEXEDDB);
  });

  it('a document past the localStorage size goes to IndexedDB without trying localStorage', async () => {
    const { store, state } = fakeStore(Infinity);
    const text = 'y'.repeat(LOCAL_MAX_CHARS + 1);
    expect(await saveDoc(store, text)).toEqual({ ok: true, where: 'indexeddb' });
    expect(state.big).toBe(text);
  });

  it('when neither place takes it, the failure says why (for the banner)', async () => {
    const { store } = fakeStore(100, true);
    const r = await saveDoc(store, 'z'.repeat(5000));
    expect(r).toEqual({ ok: false, error: expect.stringMatching(/QuotaExceededError.*IndexedDB is not available/) });
  });
});
