/** The size of the graph's host element, followed with a ResizeObserver (the canvas and the minimap need it). */
import { useEffect, useState, type RefObject } from 'react';

export function useHostSize(hostRef: RefObject<HTMLElement | null>): { w: number; h: number } {
  const [size, setSize] = useState({ w: 800, h: 600 });
  useEffect(() => {
    const host = hostRef.current;
    if (!host) return;
    const ro = new ResizeObserver(() => setSize({ w: host.clientWidth, h: host.clientHeight }));
    ro.observe(host);
    setSize({ w: host.clientWidth, h: host.clientHeight });
    return () => ro.disconnect();
  }, [hostRef]);
  return size;
}
