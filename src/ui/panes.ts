/**
 * The explorer's pane layout (side panel and right column widths, charts height, what is collapsed,
 * where the charts sit), remembered per browser in localStorage. Only the layout is stored here; the
 * document is urlSync's. Stored text is parsed as JSON and each field checked and clamped, never trusted.
 */
import { createStore } from 'zustand/vanilla';
import { useStore } from 'zustand';

export interface PaneLayout {
  /** Side panel (model, mesh, hardware) width in px, and whether it is folded to a strip. */
  left: number;
  leftCollapsed: boolean;
  /** Right column (tactics editor, stages) width in px. */
  right: number;
  rightCollapsed: boolean;
  /** Charts pane height in px when under the graph; collapsed = only its tab strip shows. */
  charts: number;
  chartsCollapsed: boolean;
  /** Charts under the graph, or in the right column under the stages table (room on tall screens). */
  chartsDock: 'below' | 'right';
}

export const PANES_KEY = 'partir-explorer:panes';

export const PANE_LIMITS = {
  left: [180, 480],
  right: [300, 760],
  charts: [120, 700],
} as const;

/** The charts get about a third of the window's height: 300 px on a 1000 px screen, less on a laptop. */
export function defaultPanes(windowHeight = 900): PaneLayout {
  return {
    left: 270, leftCollapsed: false, right: 430, rightCollapsed: false,
    charts: Math.round(Math.min(300, Math.max(160, windowHeight * 0.28))), chartsCollapsed: false, chartsDock: 'below',
  };
}

export const clampPane = (which: keyof typeof PANE_LIMITS, v: number): number =>
  Math.round(Math.min(PANE_LIMITS[which][1], Math.max(PANE_LIMITS[which][0], v)));

/** Reads a stored layout; anything missing or malformed falls back to the default, field by field. */
export function parsePanes(text: string | null, windowHeight?: number): PaneLayout {
  const d = defaultPanes(windowHeight);
  if (!text) return d;
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch {
    return d;
  }
  if (typeof raw !== 'object' || raw === null) return d;
  const r = raw as Record<string, unknown>;
  const num = (k: keyof typeof PANE_LIMITS) => (typeof r[k] === 'number' && Number.isFinite(r[k]) ? clampPane(k, r[k] as number) : d[k]);
  const bool = (k: 'leftCollapsed' | 'rightCollapsed' | 'chartsCollapsed') => (typeof r[k] === 'boolean' ? (r[k] as boolean) : d[k]);
  return {
    left: num('left'), leftCollapsed: bool('leftCollapsed'), right: num('right'), rightCollapsed: bool('rightCollapsed'),
    charts: num('charts'), chartsCollapsed: bool('chartsCollapsed'), chartsDock: r.chartsDock === 'right' ? 'right' : 'below',
  };
}

function load(): PaneLayout {
  try {
    return parsePanes(localStorage.getItem(PANES_KEY), window.innerHeight);
  } catch {
    return defaultPanes(); // storage blocked (privacy mode): the defaults, not remembered
  }
}

export const paneStore = createStore<PaneLayout>(() => (typeof window === 'undefined' ? defaultPanes() : load()));

paneStore.subscribe((p) => {
  try {
    localStorage.setItem(PANES_KEY, JSON.stringify(p));
  } catch {
    // not remembered; the layout still works
  }
});

export const usePanes = <T>(sel: (p: PaneLayout) => T): T => useStore(paneStore, sel);
export const setPanes = (patch: Partial<PaneLayout>): void => paneStore.setState(patch);
