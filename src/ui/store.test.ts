import { describe, it, expect, beforeEach } from 'vitest';
import { appStore, editDoc, EMPTY_COMPARE, initialState, redo, setTacticsB, startCompare, stopCompare, undo, setTactics } from './store';
import { applyCompareReply, applyReply } from './runner';
import { DEFAULT_CONFIG } from './defaultConfig';
import type { Report } from '../core/report';
import type { CompareDto, CompareReply, RunReply } from '../worker/protocol';

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

describe('compare view (B)', () => {
  it('starts B as a copy of A, edits B alone, and keeps B out of A\'s undo history', () => {
    setTactics('a1');
    startCompare();
    expect(appStore.getState().docB).toEqual(appStore.getState().doc);
    setTacticsB('b1');
    expect(appStore.getState().docB?.tactics).toBe('b1');
    expect(appStore.getState().doc.tactics).toBe('a1');
    undo();
    expect(appStore.getState().doc.tactics).toBe(DEFAULT_CONFIG.tactics);
    expect(appStore.getState().docB?.tactics).toBe('b1');
    stopCompare();
    expect(appStore.getState().docB).toBeNull();
    setTacticsB('ignored'); // no B: nothing to edit
    expect(appStore.getState().docB).toBeNull();
  });

  const report = { model: { parameters: 1 } } as unknown as Report;
  const diff = { sameModel: true, shardings: { count: 2, values: [], idsA: [3, 4], idsB: [3, 4] } } as unknown as CompareDto;
  const okB: RunReply = { seq: 1, ok: true, report, markers: [], hasErrors: false, paths: [], stageNames: [], millis: 1 };

  it('takes B\'s report, the diff and the nodes to highlight from a good reply', () => {
    const reply: CompareReply = { seq: 1, b: okB, diff, highlight: ['in:3', 'g:layer_0'], highlightValues: [3, 4] };
    const s = applyCompareReply(EMPTY_COMPARE, reply);
    expect(s.status).toBe('ok');
    expect(s.report).toBe(report);
    expect(s.diff).toBe(diff);
    expect(s.highlight).toEqual(['in:3', 'g:layer_0']);
    expect(s.highlightValues).toEqual([3, 4]);
  });

  it('keeps the last diff when B fails, with B\'s error and markers', () => {
    const good = applyCompareReply(EMPTY_COMPARE, { seq: 1, b: okB, diff, highlight: ['in:3'], highlightValues: [3] });
    const marker = { code: 'syntax', message: 'expected )', range: { line: 1, column: 5, endLine: 1, endColumn: 6 } };
    const bad = applyCompareReply(good, { seq: 2, b: { ...okB, seq: 2, hasErrors: true, markers: [marker] }, diff: null, highlight: [], highlightValues: [] });
    expect(bad.status).toBe('error');
    expect(bad.error?.message).toBe('expected )');
    expect(bad.markers).toEqual([marker]);
    expect(bad.diff).toBe(diff);
    expect(bad.highlight).toEqual(['in:3']);
  });

  it('names A when A cannot run', () => {
    const s = applyCompareReply(EMPTY_COMPARE, { seq: 1, b: okB, diff: null, errorA: { code: 'config', message: 'bad mesh' }, highlight: [], highlightValues: [] });
    expect(s.status).toBe('error');
    expect(s.error?.message).toBe('A: bad mesh');
  });
});
