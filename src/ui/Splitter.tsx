/**
 * A drag handle between two panes (pointer or keyboard: arrows move it 16 px, Home resets). It reports
 * the new size of the pane it belongs to; the caller clamps and stores it (src/ui/panes.ts).
 */
import type { KeyboardEvent, PointerEvent } from 'react';

export interface SplitterProps {
  /** 'x': a vertical bar that moves sideways; 'y': a horizontal bar that moves up and down. */
  axis: 'x' | 'y';
  /** The pane's current size in px, and its new size for a pointer moved by `delta` px (sign: the caller's). */
  size: number;
  onSize: (px: number) => void;
  /** +1 when moving the bar right/down grows the pane, -1 when it shrinks it. */
  sign: 1 | -1;
  label: string;
  testId: string;
  onReset?: () => void;
}

export function Splitter({ axis, size, onSize, sign, label, testId, onReset }: SplitterProps) {
  const onPointerDown = (e: PointerEvent<HTMLDivElement>) => {
    if (e.button !== 0) return;
    e.preventDefault();
    const el = e.currentTarget;
    el.setPointerCapture(e.pointerId);
    const start = axis === 'x' ? e.clientX : e.clientY;
    const from = size;
    const move = (ev: globalThis.PointerEvent) => onSize(from + sign * ((axis === 'x' ? ev.clientX : ev.clientY) - start));
    const up = () => {
      el.removeEventListener('pointermove', move);
      el.removeEventListener('pointerup', up);
      el.classList.remove('dragging');
    };
    el.classList.add('dragging');
    el.addEventListener('pointermove', move);
    el.addEventListener('pointerup', up);
  };
  const onKeyDown = (e: KeyboardEvent<HTMLDivElement>) => {
    const step = e.shiftKey ? 64 : 16;
    const forward = axis === 'x' ? 'ArrowRight' : 'ArrowDown';
    const back = axis === 'x' ? 'ArrowLeft' : 'ArrowUp';
    const d = e.key === forward ? sign : e.key === back ? -sign : undefined;
    if (d !== undefined) {
      e.preventDefault();
      onSize(size + d * step);
    } else if (e.key === 'Home' && onReset) {
      e.preventDefault();
      onReset();
    }
  };
  return (
    <div className={`splitter splitter-${axis}`} role="separator" tabIndex={0} aria-label={label}
      aria-orientation={axis === 'x' ? 'vertical' : 'horizontal'} aria-valuenow={Math.round(size)}
      data-testid={testId} title={`${label}: drag, or focus and use the arrow keys`}
      onPointerDown={onPointerDown} onKeyDown={onKeyDown} onDoubleClick={onReset} />
  );
}
