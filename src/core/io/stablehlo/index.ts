/**
 * StableHLO import: the text `jax.jit(f).lower(*args).as_text()` prints → Program, mesh and seed
 * shardings (lexer → parser → ModuleAst → convert), plus the printer that writes a Program in the
 * same form (the transformer example, round-trip tests).
 */
export { importStableHlo, type ImportResult, type ImportOptions } from './import';
export { seedTactics, importForConfig, type ImportedModel } from './seeds';
export { parseSdySharding, parseHloSharding, hloToSharding, type ImportedSharding } from './sharding';
export { keyPathToPath, scopeOfLocName } from './names';
export { printStableHlo, type PrintOptions } from './print';
export { EXAMPLES, TRANSFORMER_EXAMPLE_PARAMS } from './examples';
