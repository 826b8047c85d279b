/**
 * Files out of the browser: text and blobs through a Blob URL and a transient <a download>, and
 * SVG → PNG through a canvas (the browser rasterises the SVG as an image, so fonts and styles must
 * be inline: `chartToSvgString` does that for charts).
 */
import { chartToSvgString } from '../charts/svg';

export function downloadBlob(blob: Blob, filename: string): void {
  const url = URL.createObjectURL(blob);
  const a = document.createElement('a');
  a.href = url;
  a.download = filename;
  a.rel = 'noopener';
  document.body.appendChild(a);
  a.click();
  a.remove();
  // revoke later: some browsers start the download asynchronously after click()
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

export function downloadText(text: string, filename: string, mime = 'text/plain'): void {
  downloadBlob(new Blob([text], { type: `${mime};charset=utf-8` }), filename);
}

/** An <svg> element as a standalone SVG document string (styles inlined); a string is taken as is. */
export function svgText(svg: SVGSVGElement | string): string {
  return typeof svg === 'string' ? svg : chartToSvgString(svg);
}

/**
 * The pixel size an SVG document renders at: its width/height attributes when they are plain
 * numbers (or px), else its viewBox; a fallback when it has neither.
 */
export function svgSize(text: string, fallback = { width: 800, height: 600 }): { width: number; height: number } {
  const root = /<svg\b[^>]*>/i.exec(text)?.[0] ?? '';
  const attr = (name: string): number | undefined => {
    const m = new RegExp(`\\s${name}\\s*=\\s*["']\\s*([\\d.]+)(px)?\\s*["']`, 'i').exec(root);
    return m ? Number.parseFloat(m[1]) : undefined;
  };
  const vb = /\sviewBox\s*=\s*["']\s*([-\d.]+)[\s,]+([-\d.]+)[\s,]+([\d.]+)[\s,]+([\d.]+)\s*["']/i.exec(root);
  const width = attr('width') ?? (vb ? Number.parseFloat(vb[3]) : undefined);
  const height = attr('height') ?? (vb ? Number.parseFloat(vb[4]) : undefined);
  if (!width || !height) return fallback;
  return { width, height };
}

export function canvasToPng(canvas: HTMLCanvasElement): Promise<Blob> {
  return new Promise((resolve, reject) => {
    canvas.toBlob((blob) => (blob ? resolve(blob) : reject(new Error('the canvas could not be encoded as PNG'))), 'image/png');
  });
}

/** Rasterises an SVG at `scale` × its size onto a white background, as a PNG blob. */
export async function svgToPng(svg: SVGSVGElement | string, scale = 2): Promise<Blob> {
  const text = svgText(svg);
  const { width, height } = svgSize(text);
  const url = URL.createObjectURL(new Blob([text], { type: 'image/svg+xml;charset=utf-8' }));
  try {
    const img = new Image();
    img.decoding = 'async';
    await new Promise<void>((resolve, reject) => {
      img.onload = () => resolve();
      img.onerror = () => reject(new Error('the SVG could not be loaded as an image'));
      img.src = url;
    });
    const canvas = document.createElement('canvas');
    canvas.width = Math.max(1, Math.round(width * scale));
    canvas.height = Math.max(1, Math.round(height * scale));
    const ctx = canvas.getContext('2d');
    if (!ctx) throw new Error('no 2D canvas context');
    ctx.fillStyle = '#fff';
    ctx.fillRect(0, 0, canvas.width, canvas.height);
    ctx.drawImage(img, 0, 0, canvas.width, canvas.height);
    return await canvasToPng(canvas);
  } finally {
    URL.revokeObjectURL(url);
  }
}

/** `partir-transformer-bp-mp.py`: a file name from the model and the tactic names, safe on every OS. */
export function exportFileName(stem: string, ext: string): string {
  const safe = stem.toLowerCase().replace(/[^a-z0-9._-]+/g, '-').replace(/^-+|-+$/g, '').slice(0, 80) || 'partir';
  return `${safe}.${ext}`;
}
