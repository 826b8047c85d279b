/**
 * Collective badges ("AG×24 batch"): their text, their widths and the row they make under a width, the
 * one home for both renderers (GraphSvg, GraphCanvas) so that the SVG and canvas pills agree. A row
 * that does not fit shows what fits and a `+N` pill for the rest; a single pill too wide is clipped.
 */
import type { CollectiveMark } from '../../worker/layout';
import { COLLECTIVE_SHORT } from './colors';
import { BADGE_FONT, fitText, textWidth } from './textFit';

export const BADGE_H = 15;
export const BADGE_GAP = 3;
/** Horizontal padding inside a pill (both sides together). */
const BADGE_PAD = 10;
/** The `+N` pill. */
export const MORE_W = 30;

/** `AR×4 model`: kind, how many, over which axes. */
export function badgeText(c: CollectiveMark): string {
  return `${COLLECTIVE_SHORT[c.kind]}${c.count > 1 ? `×${c.count}` : ''} ${c.axes.join('+')}`;
}

export interface PlacedBadge {
  mark: CollectiveMark;
  text: string;
  /** Offset from the row's start. */
  x: number;
  width: number;
}

export interface BadgeRow {
  shown: PlacedBadge[];
  /** The marks behind the `+N` pill (empty: no such pill). */
  hidden: CollectiveMark[];
  /** Where the `+N` pill goes. */
  moreX: number;
  /** The row's whole width. */
  width: number;
}

const pillWidth = (text: string): number => Math.ceil(textWidth(text, BADGE_FONT)) + BADGE_PAD;

/** The width every pill of `marks` takes side by side (what a node would need to show them all). */
export function badgesWidth(marks: readonly CollectiveMark[]): number {
  return marks.reduce((s, c, i) => s + pillWidth(badgeText(c)) + (i ? BADGE_GAP : 0), 0);
}

/** The pills of `marks` in a row no wider than `maxWidth`. */
export function badgeRow(marks: readonly CollectiveMark[], maxWidth: number): BadgeRow {
  const shown: PlacedBadge[] = [];
  let x = 0;
  for (let i = 0; i < marks.length; i++) {
    const rest = marks.length - i - 1;
    const reserve = rest > 0 ? BADGE_GAP + MORE_W : 0;
    let text = badgeText(marks[i]);
    let width = pillWidth(text);
    if (x + width + reserve > maxWidth) {
      if (shown.length > 0) break;
      // Not even the first pill fits: clip its text so that it (and the `+N` pill) stay inside.
      text = fitText(text, Math.max(1, maxWidth - reserve - BADGE_PAD), BADGE_FONT);
      width = Math.min(pillWidth(text), Math.max(0, maxWidth - reserve));
    }
    shown.push({ mark: marks[i], text, x, width });
    x += width + BADGE_GAP;
  }
  const hidden = marks.slice(shown.length);
  const width = hidden.length ? x + MORE_W : Math.max(0, x - BADGE_GAP);
  return { shown, hidden, moreX: x, width };
}
