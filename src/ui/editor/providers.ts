/**
 * Completion, hover and markers for `partir-tactics`. The answers come from the worker, which holds the
 * current program (value paths, shardings) and the tactic module; Monaco providers accept promises.
 */
import type * as Monaco from 'monaco-editor/editor';
import type { Diagnostic } from '../../core/errors';
import type { CompletionDto, TacticDoc } from '../../worker/protocol';
import { LANGUAGE_ID } from './partirLanguage';

export const MARKER_OWNER = 'partir';

export interface ProviderSources {
  /** `uri` names the editor's model (A's editor or B's in the compare view), so answers come from that side's worker. */
  complete(text: string, line: number, column: number, uri?: string): Promise<CompletionDto[]>;
  hoverAt(text: string, line: number, column: number, uri?: string): ReturnType<import('../workerClient').PipelineClient['hoverAt']>;
  tacticDocs(): TacticDoc[];
}

/** Column (1-based) just after the opening quote of the string the cursor is in, if it is in one. */
export function stringStartColumn(lineText: string, column: number): number | null {
  let quote: string | null = null;
  let start = 0;
  for (let i = 0; i < column - 1 && i < lineText.length; i++) {
    const c = lineText[i];
    if (quote) {
      if (c === '\\') i++;
      else if (c === quote) quote = null;
    } else if (c === '#') return null;
    else if (c === '"' || c === "'") {
      quote = c;
      start = i + 2;
    }
  }
  return quote ? start : null;
}

export function toMarker(monaco: typeof Monaco, d: Diagnostic): Monaco.editor.IMarkerData | null {
  if (!d.range) return null;
  const { line, column, endLine, endColumn } = d.range;
  const empty = endLine < line || (endLine === line && endColumn <= column);
  return {
    severity: d.severity === 'warning' ? monaco.MarkerSeverity.Warning : monaco.MarkerSeverity.Error,
    message: d.message,
    code: d.code,
    startLineNumber: line,
    startColumn: column,
    endLineNumber: empty ? line : endLine,
    endColumn: empty ? column + 1 : endColumn,
  };
}

const KIND_ORDER: Record<CompletionDto['kind'], string> = { keyword: '0', axis: '1', path: '2', tactic: '3', constant: '4' };

let registered: Monaco.IDisposable[] = [];

export function registerProviders(monaco: typeof Monaco, src: ProviderSources): void {
  for (const d of registered) d.dispose();
  const kinds: Record<CompletionDto['kind'], Monaco.languages.CompletionItemKind> = {
    tactic: monaco.languages.CompletionItemKind.Class,
    keyword: monaco.languages.CompletionItemKind.Property,
    axis: monaco.languages.CompletionItemKind.EnumMember,
    path: monaco.languages.CompletionItemKind.File,
    constant: monaco.languages.CompletionItemKind.Constant,
  };
  registered = [
    monaco.languages.registerCompletionItemProvider(LANGUAGE_ID, {
      triggerCharacters: ['"', "'", '/', '(', ',', '=', ' '],
      async provideCompletionItems(model, position) {
        const items = await src.complete(model.getValue(), position.lineNumber, position.column, model.uri.toString());
        const word = model.getWordUntilPosition(position);
        const wordRange = new monaco.Range(position.lineNumber, word.startColumn, position.lineNumber, position.column);
        const inString = stringStartColumn(model.getLineContent(position.lineNumber), position.column);
        return {
          suggestions: items.map((it) => ({
            label: it.label,
            kind: kinds[it.kind],
            insertText: it.insertText,
            detail: it.detail,
            documentation: it.documentation,
            sortText: KIND_ORDER[it.kind] + it.label,
            // Inside a string literal, replace the whole partial path (it contains `/`, not a word char).
            range: it.replaceRange
              ? new monaco.Range(it.replaceRange.line, it.replaceRange.column, it.replaceRange.endLine, it.replaceRange.endColumn)
              : inString !== null ? new monaco.Range(position.lineNumber, inString, position.lineNumber, position.column) : wordRange,
          })),
        };
      },
    }),
    monaco.languages.registerHoverProvider(LANGUAGE_ID, {
      async provideHover(model, position) {
        const word = model.getWordAtPosition(position);
        const doc = word && src.tacticDocs().find((t) => t.name === word.word);
        if (doc) {
          const args = doc.args.map((a) => `- \`${a.name}\`: ${a.type} — ${a.doc}`).join('\n');
          return { contents: [{ value: `**${doc.name}** — ${doc.description}` }, { value: args || '_no arguments_' }] };
        }
        const h = await src.hoverAt(model.getValue(), position.lineNumber, position.column, model.uri.toString());
        if (!h) return null;
        const head = `**\`${h.glob}\`** matches ${h.total === 0 ? 'no value' : h.total === 1 ? '1 value' : `${h.total} values`}`;
        const rows = h.matches.map((m) => {
          const axes = Object.entries(m.axes).map(([a, s]) => `${a}: ${s}`).join(', ');
          return `- \`${m.path}\` \`${m.type}\`${axes ? ` — ${axes}` : ''}`;
        });
        if (h.total > h.matches.length) rows.push(`- … and ${h.total - h.matches.length} more`);
        return {
          range: new monaco.Range(h.range.line, h.range.column, h.range.endLine, h.range.endColumn),
          contents: [{ value: head }, ...(rows.length ? [{ value: rows.join('\n') }] : [])],
        };
      },
    }),
  ];
}
