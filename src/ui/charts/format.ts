/** The charts' figures: core's one set of formatters (raw values stay in data-value attributes). */
export { formatBytes, formatChange, formatCount, formatFlops, formatInteger, formatPercent, formatSeconds, formatSignedPercent } from '../../core/units';
