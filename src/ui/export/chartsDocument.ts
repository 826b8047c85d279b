/**
 * "Export → Charts": every chart of the report in one SVG document, each with its title and legend.
 * The tabs show one chart set at a time, so the charts are drawn at a fixed width into an off-screen host
 * (styles must be computed to be inlined), serialised, and stacked; the timeline (a canvas on screen) comes
 * from its SVG writer, and the two "why" tables as text rows.
 */
import { createElement, Fragment } from 'react';
import { flushSync } from 'react-dom';
import { createRoot } from 'react-dom/client';
import type { Report } from '../../core/report';
import { MemoryChart, MemoryCurve, StageChart, TimeBreakdown, Gantt, chartToSvgString, formatBytes, formatSeconds, stepContributors, timelineDevicesLabel, timelineLegend, timelineToSvgString } from '../charts';
import { svgSize } from './download';

const WIDTH = 900;
const PAD = 16;

interface Section {
  title: string;
  /** A standalone SVG document, or text rows. */
  svg?: string;
  rows?: string[];
  legend: [string, string][];
}

const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

/** Draws the charts off screen and returns their sections (title, SVG, legend) in reading order. */
function chartSections(report: Report, axes: readonly { name: string; size: number }[]): Section[] {
  const host = document.createElement('div');
  host.style.cssText = `position:absolute;left:-20000px;top:0;width:${WIDTH}px`;
  document.body.appendChild(host);
  const root = createRoot(host);
  const profiled = report.memory.perDevice.find((d) => d.curve);
  try {
    flushSync(() => root.render(createElement(Fragment, null,
      createElement(MemoryChart, { perDevice: report.memory.perDevice, width: WIDTH }),
      profiled?.curve ? createElement(MemoryCurve, { curve: profiled.curve, capacity: profiled.capacity, device: profiled.device, width: WIDTH }) : null,
      createElement(TimeBreakdown, { time: report.time, axes: axes.map((a) => a.name), width: WIDTH }),
      report.pipeline ? createElement(Gantt, { pipeline: report.pipeline, width: WIDTH }) : null,
      createElement(StageChart, { stages: report.stages, width: WIDTH }),
    )));
    const sections: Section[] = [];
    for (const fig of Array.from(host.querySelectorAll('figure'))) {
      const svg = fig.querySelector('svg');
      if (!svg) continue;
      const legend = Array.from(fig.querySelectorAll('.chart-legend span')).map((s): [string, string] => [s.textContent ?? '', (s.querySelector('i') as HTMLElement | null)?.style.background ?? '#888']);
      sections.push({ title: fig.querySelector('figcaption')?.textContent ?? '', svg: chartToSvgString(svg), legend });
    }
    return sections;
  } finally {
    root.unmount();
    host.remove();
  }
}

function tableSections(report: Report): Section[] {
  const out: Section[] = [];
  const profiled = report.memory.perDevice.find((d) => d.topValues);
  if (profiled?.topValues) {
    out.push({
      title: `Largest values at the peak on device ${profiled.device} (${formatBytes(profiled.peak)})`,
      rows: profiled.topValues.map((v) => `${formatBytes(v.bytes).padStart(10)}  ${v.category.padEnd(11)}  ${v.value}  ·  ${v.op} @ ${v.scope || '(top)'}`),
      legend: [],
    });
  }
  const top = stepContributors(report.timeline);
  if (top.length) {
    out.push({
      title: `What costs most of the step on device ${report.timeline[0]?.device ?? 0} (step ${formatSeconds(report.time.step)})`,
      rows: top.map((c) => `${formatSeconds(c.seconds).padStart(10)}  ${String(c.count).padStart(5)}×  ${c.what}${c.axes?.length ? ` over ${c.axes.join('+')}` : ''}  @ ${c.scope || '(top)'}`),
      legend: [],
    });
  }
  return out;
}

/** The whole charts document: memory, memory over time, step time, pipeline, tactics, timeline, and the two tables. */
export function chartsDocument(report: Report, axes: readonly { name: string; size: number }[]): string {
  const shown = Math.min(report.timeline.length, 16);
  const total = axes.reduce((n, a) => n * a.size, 1);
  const sections = [
    ...chartSections(report, axes),
    {
      title: `Timeline of ${timelineDevicesLabel(report.timeline, shown, total)} (compute above, collectives below)`,
      svg: timelineToSvgString(report.timeline, { width: WIDTH, maxDevices: shown, meshAxes: axes }),
      legend: timelineLegend(report.timeline),
    },
    ...tableSections(report),
  ];
  const parts: string[] = [];
  let y = PAD;
  const font = 'font-family="system-ui, sans-serif"';
  for (const s of sections) {
    parts.push(`<text x="${PAD}" y="${y + 14}" ${font} font-size="14" font-weight="600" fill="#1f2933" class="chart-title">${esc(s.title)}</text>`);
    y += 24;
    if (s.svg) {
      const { height } = svgSize(s.svg);
      parts.push(s.svg.replace(/^<\?xml[^>]*>\s*/, '').replace(/<svg\b/, `<svg x="${PAD}" y="${y}"`));
      y += height + 6;
    }
    for (const r of s.rows ?? []) {
      parts.push(`<text x="${PAD}" y="${y + 12}" font-family="ui-monospace, Menlo, monospace" font-size="11" fill="#2d3748" xml:space="preserve">${esc(r)}</text>`);
      y += 16;
    }
    if (s.legend.length) {
      let x = PAD;
      const items: string[] = [];
      for (const [label, color] of s.legend) {
        items.push(`<rect x="${x}" y="${y + 2}" width="10" height="10" rx="2" fill="${esc(color)}"/><text x="${x + 14}" y="${y + 11}" ${font} font-size="11" fill="#4a5561">${esc(label)}</text>`);
        x += 24 + label.length * 6.2;
      }
      parts.push(`<g class="chart-legend">${items.join('')}</g>`);
      y += 18;
    }
    y += PAD;
  }
  const width = WIDTH + 2 * PAD;
  return `<?xml version="1.0" encoding="UTF-8"?>\n<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${y}" viewBox="0 0 ${width} ${y}">`
    + `<rect width="100%" height="100%" fill="#fff"/>${parts.join('')}</svg>`;
}
