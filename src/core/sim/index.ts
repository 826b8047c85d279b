export * from './cost';
export * from './schedule';
export * from './memory';
export * from './timeline';
export * from './simulate';
export * from './index_program';
