import { useEffect, useRef, useState } from 'react';

/**
 * The width of the element the ref is attached to, followed with a ResizeObserver, so that a chart
 * draws at its real size (text stays at its font size instead of being scaled by the viewBox).
 */
export function useWidth<T extends HTMLElement>(fallback: number, fixed?: number, min = 240): [React.RefObject<T | null>, number] {
  const ref = useRef<T>(null);
  const [w, setW] = useState(fixed ?? fallback);
  useEffect(() => {
    const el = ref.current;
    if (fixed !== undefined || !el || typeof ResizeObserver === 'undefined') return;
    const update = () => {
      const cw = Math.floor(el.clientWidth);
      if (cw > 0) setW(Math.max(min, cw));
    };
    const ro = new ResizeObserver(update);
    ro.observe(el);
    update();
    return () => ro.disconnect();
  }, [fixed, min]);
  return [ref, fixed ?? w];
}
