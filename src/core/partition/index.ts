export * from './types';
export * from './sharding';
export { ruleOf, rulesOf, formatRule, factorName } from './rules';
export { partition } from './schedule';
