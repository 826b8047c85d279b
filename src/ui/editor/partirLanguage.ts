/**
 * The `partir-tactics` language for Monaco: a Monarch tokenizer (colouring only; the real parser is
 * src/core/tactics, run in the worker) and the bracket/comment configuration.
 */
import type * as Monaco from 'monaco-editor/editor';
import { tacticCatalog } from '../../core/tactics/catalog';

export const LANGUAGE_ID = 'partir-tactics';

/** Tactic names and keyword arguments come from the tactic catalogue, so colouring never drifts from it. */
export const TACTIC_NAMES: string[] = tacticCatalog.map((t) => t.name);
export const KEYWORD_ARGS: string[] = [...new Set(tacticCatalog.flatMap((t) => t.args.map((a) => a.name)))];

/** A keyword argument is an identifier directly followed by `=` (not `==`). */
export const KEYWORD_ARG_RE = /[A-Za-z_]\w*(?=\s*=(?!=))/;
export const NUMBER_RE = /-?\d+(\.\d+)?([eE][-+]?\d+)?/;

export const monarch: Monaco.languages.IMonarchLanguage = {
  defaultToken: '',
  tokenPostfix: '.partir',
  tactics: TACTIC_NAMES,
  keywordArgs: KEYWORD_ARGS,
  constants: ['LARGEST', 'REPLICATED'],
  booleans: ['True', 'False'],
  keywords: ['schedule'],
  tokenizer: {
    root: [
      [/#.*$/, 'comment'],
      [KEYWORD_ARG_RE, { cases: { '@keywordArgs': 'keyword.argument', '@keywords': 'keyword', '@default': 'variable' } }],
      [/[A-Za-z_]\w*/, {
        cases: {
          '@tactics': 'type.identifier',
          '@constants': 'constant',
          '@booleans': 'constant',
          '@keywords': 'keyword',
          '@default': 'identifier',
        },
      }],
      [NUMBER_RE, 'number'],
      [/"/, { token: 'string.quote', next: '@dstring' }],
      [/'/, { token: 'string.quote', next: '@sstring' }],
      [/[{}()[\]]/, '@brackets'],
      [/[=:,]/, 'delimiter'],
      [/\s+/, 'white'],
    ],
    dstring: [
      [/[^"\\]+/, 'string'],
      [/\\./, 'string.escape'],
      [/"/, { token: 'string.quote', next: '@pop' }],
      [/$/, { token: 'string.invalid', next: '@pop' }],
    ],
    sstring: [
      [/[^'\\]+/, 'string'],
      [/\\./, 'string.escape'],
      [/'/, { token: 'string.quote', next: '@pop' }],
      [/$/, { token: 'string.invalid', next: '@pop' }],
    ],
  },
};

export const languageConfiguration: Monaco.languages.LanguageConfiguration = {
  comments: { lineComment: '#' },
  brackets: [['{', '}'], ['[', ']'], ['(', ')']],
  // No auto-closing: what the user types is what the text holds (predictable typing, and tests).
  autoClosingPairs: [],
  surroundingPairs: [{ open: '"', close: '"' }, { open: '(', close: ')' }],
  wordPattern: /[A-Za-z_][\w]*/,
};

export const THEME = 'partir-light';

export function registerPartirLanguage(monaco: typeof Monaco): void {
  if (monaco.languages.getLanguages().some((l) => l.id === LANGUAGE_ID)) return;
  monaco.languages.register({ id: LANGUAGE_ID, extensions: ['.partir'] });
  monaco.languages.setMonarchTokensProvider(LANGUAGE_ID, monarch);
  monaco.languages.setLanguageConfiguration(LANGUAGE_ID, languageConfiguration);
  monaco.editor.defineTheme(THEME, {
    base: 'vs',
    inherit: true,
    rules: [
      { token: 'type.identifier', foreground: '1f5fbf', fontStyle: 'bold' },
      { token: 'keyword.argument', foreground: '7a3e9d' },
      { token: 'keyword', foreground: 'a0350b', fontStyle: 'bold' },
      { token: 'constant', foreground: 'b3541e', fontStyle: 'bold' },
      { token: 'string', foreground: '0a7a4a' },
      { token: 'string.invalid', foreground: 'cc0000' },
      { token: 'number', foreground: '09658a' },
      { token: 'comment', foreground: '7d8590', fontStyle: 'italic' },
    ],
    colors: { 'editor.background': '#fcfcfd' },
  });
}
