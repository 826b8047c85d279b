/**
 * The tactic palette: chips dragged onto a graph node insert a tactic into the editor text (the text
 * stays the single source of truth); a click inserts it without a target value.
 */
import type { GraphLayout } from '../worker/layout';
import { TACTIC_MIME } from './graph';
import { pipelineClient } from './runner';
import { appStore, editDoc, useApp } from './store';
import { callFor, freshName, insertTactic } from './tacticText';
import { defaultAxisFor, dropCall, tacticName } from './dropChoice';

const FALLBACK = ['ManualPartition', 'BatchParallel', 'Megatron', 'ZeRO', 'SequenceParallel', 'EmbeddingShard'];

/** The axis a clicked (not dropped) tactic uses: its kind's usual axis (dropChoice.defaultAxisFor). */
const defaultAxis = (tactic: string) => defaultAxisFor(tactic, appStore.getState().doc.mesh.axes.map((a) => a.name));

function insert(call: string): void {
  editDoc((d) => ({ ...d, tactics: insertTactic(d.tactics, freshName(d.tactics), call) }));
}

/** A tactic dropped on a node, waiting for the popover's choices (axis, dimension). */
export interface PendingDrop {
  tactic: string;
  nodeId: string;
  /** The value's selector path (`params/layer_0/mlp/w_in`) when it has one. */
  path: string | null;
  /** What the node is, for the popover's title, and its sharded type (`bf16[64@batch, 2048]`). */
  label: string;
  shardedType: string;
}

export async function pendingDropFor(layout: GraphLayout | null, nodeId: string, payload: string): Promise<PendingDrop | null> {
  const tactic = payload.trim();
  if (!/^[A-Za-z_]\w*$/.test(tactic)) return null;
  const node = layout?.nodes.find((n) => n.id === nodeId);
  let path: string | null = null;
  if (node?.valueId !== undefined) {
    const details = await pipelineClient().nodeDetails(`in:${node.valueId}`);
    const p = details?.results?.[0]?.path;
    if (p && !p.startsWith('%')) path = p;
  }
  return {
    tactic, nodeId, path, label: node ? (node.kind === 'group' ? node.scope : node.label) : nodeId,
    shardedType: node && node.kind !== 'group' ? node.sublabel : '',
  };
}

/** Inserts the popover's choice, named after what it does. */
export function insertDropped(drop: PendingDrop, axis: string, dim: number | 'largest'): void {
  editDoc((d) => ({ ...d, tactics: insertTactic(d.tactics, tacticName(d.tactics, drop.tactic, axis, drop.path), dropCall(drop.tactic, axis, drop.path, dim)) }));
}

export function TacticPalette() {
  const docs = useApp((s) => s.tacticDocs);
  const names = docs.length ? docs.filter((d) => d.name !== 'AutomaticPartition').map((d) => d.name) : FALLBACK;
  return (
    <div className="palette" data-testid="palette">
      {names.map((n) => (
        <button
          key={n}
          className="chip"
          draggable
          data-testid={`palette-${n}`}
          title={`${docs.find((d) => d.name === n)?.description ?? n} — drag onto a graph node to partition that value (you pick the axis and dimension), or click to add`}
          onDragStart={(e) => {
            e.dataTransfer.setData(TACTIC_MIME, n);
            e.dataTransfer.setData('text/plain', n);
            e.dataTransfer.effectAllowed = 'copy';
          }}
          onClick={() => insert(callFor(n, defaultAxis(n), null))}
        >
          {n}
        </button>
      ))}
      <span className="palette-hint muted small" data-testid="palette-hint">drag onto a node to partition that value, or click to add</span>
    </div>
  );
}
