export { SummaryStrip, type SummaryStripProps } from './SummaryStrip';
export { MemoryChart, Legend } from './MemoryChart';
export { TimeBreakdown } from './TimeBreakdown';
export { Timeline, type TimelineProps } from './Timeline';
export { CollectivesTable } from './CollectivesTable';
export { StageChart } from './StageChart';
export { chartToSvgString } from './svg';
export * from './format';
export * from './data';
