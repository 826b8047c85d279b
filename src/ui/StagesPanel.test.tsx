import { act, cleanup, fireEvent, render, screen } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';
import type { ConflictGroupJson, ConflictJson, Report, StageJson } from '../core/report';
import { StagesPanel } from './StagesPanel';
import { appStore } from './store';

const conflict: ConflictJson = {
  value: 'params/w', axis: 'batch', existing: { sharding: 'replicated', tactic: 'BP' }, incoming: { sharding: 'dim 0', tactic: 'Z3' }, op: 'dot#1', message: 'm',
};
const group = (expected: boolean, count: number): ConflictGroupJson => ({
  expected, tactic: 'Z3', against: 'BP', axis: 'batch', existing: 'replicated', incoming: 'dim 0', count, values: ['params/w'], first: 'm',
  explanation: expected ? 'expected: gathered before use' : 'deserves attention: two layouts meet',
});
const stage = (tactic: string, conflicts: number, groups: ConflictGroupJson[]): StageJson =>
  ({ tactic, axis: 'batch', seeded: [], reached: 7, conflicts: Array.from({ length: conflicts }, () => conflict), conflictGroups: groups });

function show(stages: StageJson[]) {
  act(() => appStore.setState({ report: { stages } as unknown as Report, reportStale: false }));
  render(<StagesPanel />);
}

afterEach(() => {
  cleanup();
  act(() => appStore.setState(appStore.getInitialState()));
});

describe('StagesPanel', () => {
  it('summarises each stage’s conflicts as expected or needing attention, and opens the groups on click', () => {
    show([stage('BP', 0, []), stage('Z3', 5, [group(true, 3), group(false, 2)]), stage('Z2', 4, [group(true, 4)])]);
    expect(screen.getByTestId('stage-0').textContent).toContain('BP');
    expect(screen.getByTestId('stage-conflicts-1').textContent).toContain('5 · 2 need attention');
    expect(screen.getByTestId('stage-conflicts-2').textContent).toContain('4 · all expected');
    expect(screen.queryByTestId('conflict-groups')).toBeNull();
    fireEvent.click(screen.getByTestId('stage-conflicts-1'));
    const groups = screen.getAllByTestId('conflict-group');
    expect(groups.map((g) => [g.dataset.expected, g.dataset.count])).toEqual([['true', '3'], ['false', '2']]);
    expect(groups[1].textContent).toContain('two layouts meet');
    fireEvent.click(screen.getByTestId('stage-conflicts-1'));
    expect(screen.queryByTestId('conflict-groups')).toBeNull();
  });

  it('says when no tactic applies', () => {
    show([]);
    expect(screen.getByTestId('stages').textContent).toMatch(/No tactic applied/);
  });
});
