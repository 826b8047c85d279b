/** "Go to value or op by name or path": matches over the graph's groups, inputs and ops (hidden constants left out). */
import type { Sharding } from '../../core/partition/types';
import type { Program } from '../../core/ir/types';
import { graphModel, groupsAbove } from './model';
import { groupNodeId, inputNodeId, opNodeId } from './ids';

export interface SearchHit {
  /** The node the hit is drawn as once its groups are open (`op:12`, `in:3`, `g:layer_3/attn`). */
  readonly nodeId: string;
  readonly kind: 'op' | 'input' | 'group';
  /** What matched: the group's scope, the input's path, or the op's `scope/kind · value name`. */
  readonly text: string;
  /** Groups to expand so that the node shows, outermost first (folds included). */
  readonly reveal: readonly string[];
}

export interface SearchResult {
  readonly hits: readonly SearchHit[];
  /** All matches, of which the first `hits.length` are listed. */
  readonly total: number;
}

/**
 * Case-insensitive substring search. Order: groups, then inputs, then ops; within each, the whole path,
 * then a match at the end of the path (`w_in` in `params/layer_3/mlp/w_in`) before one elsewhere, then program order.
 */
export function searchGraph(program: Program, query: string, limit = 50, shardings?: readonly Sharding[]): SearchResult {
  const q = query.trim().toLowerCase();
  if (!q) return { hits: [], total: 0 };
  // the same folds as the layout's (they depend on the shardings), so that the groups to open exist
  const m = graphModel(program, shardings);
  const firstGroup = m.nOps + m.nInputs;
  const scored: { rank: number; order: number; n: number; kind: SearchHit['kind']; text: string }[] = [];
  const consider = (n: number, kind: SearchHit['kind'], text: string, base: number) => {
    const t = text.toLowerCase();
    const at = t.lastIndexOf(q);
    if (at < 0) return;
    const fit = t === q ? 0 : at + q.length === t.length || at > t.lastIndexOf('/') ? 1 : 2;
    scored.push({ rank: base * 3 + fit, order: n, n, kind, text });
  };
  for (let g = firstGroup; g < m.nNodes; g++) consider(g, 'group', m.groupScope[g - firstGroup], 0);
  for (let i = 0; i < m.nInputs; i++) consider(m.nOps + i, 'input', program.values[program.inputs[i]].name ?? `input ${i}`, 1);
  for (const op of program.ops) {
    if (m.hidden[op.id]) continue;
    const name = program.values[op.results[0]]?.name;
    consider(op.id, 'op', `${op.scope ? `${op.scope}/` : ''}${op.kind}${name ? ` · ${name}` : ''}`, 2);
  }
  scored.sort((a, b) => a.rank - b.rank || a.order - b.order);
  const hits = scored.slice(0, limit).map((s): SearchHit => ({
    nodeId: s.kind === 'group' ? groupNodeId(m.groupScope[s.n - firstGroup]) : s.kind === 'input' ? inputNodeId(program.inputs[s.n - m.nOps]) : opNodeId(s.n),
    kind: s.kind, text: s.text, reveal: groupsAbove(m, s.n),
  }));
  return { hits, total: scored.length };
}
