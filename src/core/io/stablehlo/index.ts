export { importStableHlo, type ImportResult, type ImportOptions } from './import';
export { seedTactics, importForConfig } from './seeds';
export { parseSdySharding, parseHloSharding, hloToSharding, type ImportedSharding } from './sharding';
export { keyPathToPath, scopeOfLocName } from './names';
export { printStableHlo } from './print';
