export { enumerateActions, roleGlob, type Action, type ActionKind } from './actions';
export { Evaluator, better, costOf, shardingsKey, type Cost, type Evaluation, type Measure, type Objective } from './evaluate';
export { formatTactic, formatTactics } from './format';
export { searchPartition, type SearchLogEntry, type SearchOptions, type SearchPhase, type SearchProgress, type SearchResult } from './search';
