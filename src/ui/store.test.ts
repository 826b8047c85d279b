import { describe, it, expect, beforeEach } from 'vitest';
import { appStore, editDoc, initialState, redo, undo, setTactics } from './store';
import { applyReply } from './runner';
import { DEFAULT_CONFIG } from './defaultConfig';
import type { Report } from '../core/report';
import type { RunReply } from '../worker/protocol';

beforeEach(() => appStore.setState(initialState(), true));

describe('undo / redo', () => {
  it('walks back and forth through document edits', () => {
    editDoc((d) => ({ ...d, tactics: 'a' }));
    editDoc((d) => ({ ...d, tactics: 'b' }));
    expect(appStore.getState().doc.tactics).toBe('b');
    undo();
    expect(appStore.getState().doc.tactics).toBe('a');
    undo();
    expect(appStore.getState().doc).toBe(DEFAULT_CONFIG);
    undo(); // nothing left: no change
    expect(appStore.getState().doc).toBe(DEFAULT_CONFIG);
    redo();
    redo();
    expect(appStore.getState().doc.tactics).toBe('b');
  });

  it('merges quick edits with the same key into one step, but not edits far apart', () => {
    editDoc((d) => ({ ...d, tactics: 'x' }), 'tactics', 1000);
    editDoc((d) => ({ ...d, tactics: 'xy' }), 'tactics', 1200);
    editDoc((d) => ({ ...d, tactics: 'xyz' }), 'tactics', 1400);
    expect(appStore.getState().past).toHaveLength(1);
    editDoc((d) => ({ ...d, tactics: 'later' }), 'tactics', 9000);
    expect(appStore.getState().past).toHaveLength(2);
    undo();
    expect(appStore.getState().doc.tactics).toBe('xyz');
  });

  it('a new edit clears the redo stack; an edit that changes nothing records nothing', () => {
    editDoc((d) => ({ ...d, tactics: 'a' }));
    undo();
    expect(appStore.getState().future).toHaveLength(1);
    editDoc((d) => ({ ...d, tactics: 'c' }));
    expect(appStore.getState().future).toHaveLength(0);
    const past = appStore.getState().past.length;
    setTactics('c');
    expect(appStore.getState().past).toHaveLength(past);
  });
});

describe('applyReply', () => {
  const report = { model: { name: 'm' }, diagnostics: [] } as unknown as Report;
  const ok: RunReply = { seq: 1, ok: true, report, markers: [], hasErrors: false, paths: ['a'], stageNames: ['BP'], millis: 5 };

  it('a good reply replaces the report and clears the error', () => {
    const patch = applyReply({ report: null }, ok);
    expect(patch).toMatchObject({ status: 'ok', report, reportStale: false, error: null, paths: ['a'] });
  });

  it('a reply with tactic errors keeps the last report (no report in the patch) and marks it stale', () => {
    const marker = { code: 'tactic-syntax', message: "expected ')'", range: { line: 1, column: 5, endLine: 1, endColumn: 6 } };
    const patch = applyReply({ report }, { ...ok, hasErrors: true, markers: [marker] });
    expect('report' in patch).toBe(false);
    expect(patch).toMatchObject({ status: 'error', reportStale: true, error: marker, markers: [marker] });
  });

  it('a failed run keeps the last report and names the problem', () => {
    const patch = applyReply({ report }, { seq: 2, ok: false, error: { code: 'hardware', message: 'no ici links', where: 'hardware.links.batch' }, markers: [], internal: false });
    expect('report' in patch).toBe(false);
    expect(patch.error).toMatchObject({ where: 'hardware.links.batch', internal: false });
    expect(patch.reportStale).toBe(true);
  });
});
