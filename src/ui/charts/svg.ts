/**
 * Serialises a chart (an <svg>, or an element that contains one) to a standalone SVG document string,
 * with the computed styles of its elements inlined, so that the file renders the same outside the app.
 */
const STYLE_PROPS = [
  'fill', 'fill-opacity', 'stroke', 'stroke-width', 'stroke-dasharray', 'stroke-linejoin', 'stroke-opacity', 'opacity',
  'font-size', 'font-family', 'font-weight', 'font-style', 'text-anchor', 'dominant-baseline', 'paint-order',
  // hidden elements (e.g. edge labels shown only on hover) must stay hidden in the file
  'display', 'visibility',
];

export function chartToSvgString(element: Element): string {
  const svg = element instanceof SVGSVGElement ? element : element.querySelector('svg');
  if (!svg) throw new Error('chartToSvgString: no <svg> in the element');
  const clone = svg.cloneNode(true) as SVGSVGElement;
  const src = [svg, ...Array.from(svg.querySelectorAll('*'))];
  const dst = [clone, ...Array.from(clone.querySelectorAll('*'))];
  const view = svg.ownerDocument.defaultView;
  if (view) {
    src.forEach((el, i) => {
      const cs = view.getComputedStyle(el);
      const decl = STYLE_PROPS.map((p) => `${p}:${cs.getPropertyValue(p)}`).filter((d) => !d.endsWith(':')).join(';');
      if (decl) (dst[i] as SVGElement).setAttribute('style', `${decl};${dst[i].getAttribute('style') ?? ''}`);
    });
  }
  clone.setAttribute('xmlns', 'http://www.w3.org/2000/svg');
  const vb = svg.viewBox?.baseVal;
  if (vb && vb.width && !/^\d+(\.\d+)?(px)?$/.test(clone.getAttribute('width') ?? '')) {
    clone.setAttribute('width', String(vb.width));
    clone.setAttribute('height', String(vb.height));
  }
  return `<?xml version="1.0" encoding="UTF-8"?>\n${new XMLSerializer().serializeToString(clone)}`;
}
