/** The model zoo and the autodiff / optimizer machinery it is built from. */
export { grad, stopGradient, customVjp, isRecomputed, REMAT_SCOPE } from './autodiff';
export type { GradOptions, RematSegment, CustomVjpRule } from './autodiff';
export { VJP_RULES } from './vjp';
export type { VjpRule, VjpContext } from './vjp';
export { declareOptimizerState, applyOptimizer, computeDtype } from './optimizer';
export type { OptimizerConfig, OptimizerKind, OptimizerState, Precision } from './optimizer';
export { ZOO, zooEntry, resolveParams, buildZooModel } from './zoo';
export type { ZooEntry, ParamSpec, ParamValue, ResolvedParams } from './zoo';
export { buildTransformer, transformerParamCount } from './transformer';
export type { TransformerConfig } from './transformer';
export { buildMlp, mlpLayerDims } from './mlp';
export type { MlpConfig } from './mlp';
export { summarize } from './summary';
