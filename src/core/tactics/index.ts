/**
 * The tactic language (docs/tactics.md): parsed, never evaluated.
 * - parseTactics(text) → syntax tree + syntax diagnostics (never throws);
 * - resolveTactics(text, program, mesh) → ResolvedTactic[] in schedule order + TacticAst[] + diagnostics;
 * - tacticCatalog, completionsAt, globAt, matchGlob for the editor.
 * Diagnostics carry `severity`; only errors should stop the pipeline (see hasErrors).
 */
export * from './types';
export * from './syntax';
export { lex, type Token, type TokenKind } from './lexer';
export { parseTactics } from './parser';
export { resolveTactics, hasErrors } from './resolve';
export { TacticCode, type TacticCodeValue } from './codes';
export { tacticCatalog, tacticSpec, DIM_CONSTANTS, parseBytes, type ArgSpec, type ArgType, type TacticSpec } from './catalog';
export { expandPreset, isPreset, PRESET_NAMES, type PresetArgs } from './presets';
export { compileGlob, matchGlob, closest, editDistance, type GlobMatcher } from './glob';
export { completionsAt, globAt, offsetAt, type CompletionContext, type CompletionItem } from './completions';
