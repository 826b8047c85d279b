import type { SourceRange } from '../errors';
import { DIM_CONSTANTS, tacticCatalog, tacticSpec } from './catalog';
import { lex, type Token } from './lexer';
import { parseTactics } from './parser';

/**
 * Editor support: completions and the glob under the cursor. Pure functions over the text, so the
 * Monaco providers stay thin and these stay testable.
 */

export interface CompletionItem {
  readonly kind: 'tactic' | 'keyword' | 'axis' | 'path' | 'constant';
  readonly label: string;
  readonly insertText: string;
  readonly detail: string;
  /** The text the item replaces: the word (or the string's contents) typed so far. */
  readonly replaceRange?: SourceRange;
}

export interface CompletionContext {
  readonly paths: readonly string[];
  readonly axes: readonly string[];
}

/** Offset of a 1-based line/column in `text`, clamped to the text. */
export function offsetAt(text: string, line: number, column: number): number {
  let off = 0;
  for (let l = 1; l < line; l++) {
    const nl = text.indexOf('\n', off);
    if (nl < 0) return text.length;
    off = nl + 1;
  }
  const lineEnd = text.indexOf('\n', off);
  const max = lineEnd < 0 ? text.length : lineEnd;
  return Math.max(off, Math.min(max, off + Math.max(0, column - 1)));
}

interface Frame {
  readonly open: '(' | '[' | '{';
  /** For '(': the tactic being called. */
  readonly callee?: string;
  /** For '[' and '{': the keyword argument (or 'schedule') whose value this bracket is. */
  readonly owner?: string;
  /** For '(': the keyword whose value comes next, once `name=` is typed. */
  kw?: string;
  /** For '(': keywords already given. */
  readonly given: Set<string>;
  /** For '{': after ':' (a dim is expected), before ',' (a glob is expected). */
  inValue: boolean;
}

/** Walks the tokens before the cursor and returns the open brackets and the statement's target. */
function scan(tokens: readonly Token[]): { stack: Frame[]; target?: string; afterEquals: boolean } {
  const stack: Frame[] = [];
  let target: string | undefined;
  let afterEquals = false;
  for (let i = 0; i < tokens.length; i++) {
    const t = tokens[i];
    const top = stack[stack.length - 1];
    const prev = tokens[i - 1];
    switch (t.kind) {
      case 'newline':
        if (!stack.length) {
          target = undefined;
          afterEquals = false;
        }
        break;
      case '=':
        if (!top && prev?.kind === 'name') {
          target = prev.text;
          afterEquals = true;
        } else if (top?.open === '(' && prev?.kind === 'name') {
          top.kw = prev.text;
          top.given.add(prev.text);
        }
        break;
      case '(':
        stack.push({ open: '(', callee: prev?.kind === 'name' ? prev.text : undefined, given: new Set(), inValue: false });
        break;
      case '[':
      case '{': {
        const owner = top ? (top.open === '(' ? top.kw : top.owner) : target;
        stack.push({ open: t.kind, owner, given: new Set(), inValue: false });
        break;
      }
      case ')':
      case ']':
      case '}':
        stack.pop();
        break;
      case ',':
        if (top?.open === '(') top.kw = undefined;
        if (top?.open === '{') top.inValue = false;
        break;
      case ':':
        if (top?.open === '{') top.inValue = true;
        break;
      default:
        break;
    }
  }
  return { stack, target, afterEquals };
}

/** Paths plus their layer-generic forms (`params/layer_*\/mlp/w_in`), generic first. */
function pathCandidates(paths: readonly string[]): string[] {
  const generic = new Set<string>();
  for (const p of paths) if (/layer_\d+/.test(p)) generic.add(p.replace(/layer_\d+/g, 'layer_*'));
  return [...generic, ...paths.filter((p) => !generic.has(p))];
}

function definedNames(text: string): string[] {
  const names: string[] = [];
  for (const s of parseTactics(text).program.statements) {
    if (s.target !== 'schedule' && !names.includes(s.target)) names.push(s.target);
  }
  return names;
}

/** Completion items at a 1-based position. Never throws. */
export function completionsAt(text: string, line: number, column: number, ctx: CompletionContext): CompletionItem[] {
  const offset = offsetAt(text, line, column);
  const before = text.slice(0, offset);
  const tokens = lex(before).tokens.filter((t) => t.kind !== 'eof');
  const last = tokens[tokens.length - 1];

  // The partial word or string being typed, and the range it occupies.
  let prefix = '';
  let inString = false;
  let replaceRange: SourceRange | undefined;
  const cursorPos = { line, column: offset - (before.lastIndexOf('\n') + 1) + 1 };
  if (last && last.end === offset && last.kind === 'string' && last.terminated === false) {
    inString = true;
    prefix = last.text;
    replaceRange = { line: last.range.line, column: last.range.column + 1, endLine: cursorPos.line, endColumn: cursorPos.column };
    tokens.pop();
  } else if (last && last.end === offset && last.kind === 'name') {
    prefix = last.text;
    replaceRange = { ...last.range };
    tokens.pop();
  } else {
    replaceRange = { line: cursorPos.line, column: cursorPos.column, endLine: cursorPos.line, endColumn: cursorPos.column };
  }
  const { stack, afterEquals } = scan(tokens);
  const top = stack[stack.length - 1];
  const quote = (s: string) => (inString ? s : JSON.stringify(s));
  const items: CompletionItem[] = [];
  const add = (kind: CompletionItem['kind'], label: string, insertText: string, detail: string) =>
    items.push({ kind, label, insertText, detail, replaceRange });

  const axisItems = () => ctx.axes.forEach((a) => add('axis', a, quote(a), 'mesh axis'));
  const enumItems = (values: readonly string[], detail: string) => values.forEach((v) => add('constant', v, quote(v), detail));

  if (!top) {
    if (!afterEquals) {
      if (!inString) add('keyword', 'schedule', 'schedule = [', 'the ordered list of tactics to apply');
    } else if (!inString) {
      for (const t of tacticCatalog) add('tactic', t.name, t.example, t.description);
    }
  } else if (top.open === '(') {
    const spec = top.callee ? tacticSpec(top.callee) : undefined;
    if (spec && top.kw === undefined && !inString) {
      for (const a of spec.args) if (!top.given.has(a.name)) add('keyword', a.name, `${a.name}=`, `${a.typeLabel}: ${a.doc}`);
    } else if (spec && top.kw) {
      const arg = spec.args.find((a) => a.name === top.kw);
      const t = arg?.type;
      if (t?.kind === 'axis') axisItems();
      else if (t?.kind === 'enum') enumItems(t.oneOf, arg?.doc ?? '');
      else if (t?.kind === 'int' && t.oneOf && !inString) t.oneOf.forEach((n) => add('constant', String(n), String(n), arg?.doc ?? ''));
      else if (t?.kind === 'inputs' && !inString) add('constant', '{"glob": dim}', '{"', arg?.doc ?? '');
      else if (t?.kind === 'axes' && !inString) add('constant', '[...]', '["', arg?.doc ?? '');
    }
  } else if (top.open === '[') {
    if (top.owner === 'axes') axisItems();
    else if (top.owner === 'schedule' && !inString) {
      for (const n of definedNames(text)) add('tactic', n, n, 'tactic defined above');
      for (const t of tacticCatalog) add('tactic', t.name, t.example, t.description);
    }
  } else if (top.open === '{' && top.owner === 'inputs') {
    if (top.inValue) {
      if (!inString) {
        for (const c of DIM_CONSTANTS) add('constant', c.name, c.name, c.doc);
      }
    } else {
      for (const p of pathCandidates(ctx.paths)) add('path', p, quote(p), p.includes('*') ? 'glob over every layer' : 'value path');
    }
  }

  if (!prefix) return items;
  const lower = prefix.toLowerCase();
  const filtered = items.filter((it) => it.label.toLowerCase().startsWith(lower));
  // A glob being typed (`params/*/ml`) is no prefix of any path: offer everything rather than nothing.
  return filtered.length || !inString ? filtered : items;
}

/** The glob string literal (an `inputs` dict key) under the cursor, for hover. */
export function globAt(text: string, line: number, column: number): { glob: string; range: SourceRange } | undefined {
  const offset = offsetAt(text, line, column);
  const tokens = lex(text).tokens;
  for (let i = 0; i < tokens.length; i++) {
    const t = tokens[i];
    if (t.kind !== 'string' || offset < t.start || offset >= t.end) continue;
    let j = i + 1;
    while (tokens[j]?.kind === 'newline') j++;
    return tokens[j]?.kind === ':' ? { glob: t.text, range: t.range } : undefined;
  }
  return undefined;
}
