/**
 * The `partir-tactics` language for Monaco: a Monarch tokenizer (colouring only; the real parser is
 * src/core/tactics, run in the worker) and the bracket/comment configuration.
 */
import type * as Monaco from 'monaco-editor/editor';

export const LANGUAGE_ID = 'partir-tactics';

/** Tactic names known to the tokenizer; the worker's catalogue is authoritative for completion. */
export const TACTIC_NAMES = [
  'ManualPartition', 'AutomaticPartition', 'BatchParallel', 'Megatron', 'ZeRO', 'SequenceParallel', 'EmbeddingShard',
];
export const KEYWORD_ARGS = ['inputs', 'axis', 'axes', 'stage', 'dim', 'objective', 'memory_limit', 'budget', 'seed'];

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
      // `axis=` etc.: a keyword argument is an identifier directly followed by `=` (not `==`).
      [/[A-Za-z_]\w*(?=\s*=(?!=))/, { cases: { '@keywordArgs': 'keyword.argument', '@keywords': 'keyword', '@default': 'variable' } }],
      [/[A-Za-z_]\w*/, {
        cases: {
          '@tactics': 'type.identifier',
          '@constants': 'constant',
          '@booleans': 'constant',
          '@keywords': 'keyword',
          '@default': 'identifier',
        },
      }],
      [/-?\d+(\.\d+)?([eE][-+]?\d+)?/, 'number'],
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
