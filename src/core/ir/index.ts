export * from './types';
export * from './shape';
export * from './builder';
export * from './program';
export * from './flops';
