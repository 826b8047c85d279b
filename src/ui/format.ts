/** The panels' figures: core's one set of formatters. */
export { formatBytes, formatChange, formatCount, formatFlops, formatPercent, formatSeconds, formatSignedPercent } from '../core/units';
