export { GraphView, TACTIC_MIME, CANVAS_THRESHOLD, type GraphViewProps } from './GraphView';
export { NodeDetails, reportEntriesFor, type NodeDetailsProps } from './NodeDetails';
export { axisColor, axisColorMap, COLLECTIVE_COLOR, COLLECTIVE_SHORT } from './colors';
export { graphToSvgString, graphToPng, graphCanvasImage, graphImage, exportFrame } from './export';
