/**
 * The tactic palette: chips dragged onto a graph node insert a tactic into the editor text (the text
 * stays the single source of truth); a click inserts it without a target value.
 */
import type { GraphLayout } from '../worker/layout';
import { TACTIC_MIME } from './graph';
import { pipelineClient } from './runner';
import { appStore, editDoc, useApp } from './store';
import { callFor, freshName, insertTactic } from './tacticText';

const FALLBACK = ['ManualPartition', 'BatchParallel', 'Megatron', 'ZeRO', 'SequenceParallel', 'EmbeddingShard'];

/** The axis a dropped tactic uses: the last mesh axis (usually the model axis). */
const defaultAxis = () => {
  const axes = appStore.getState().doc.mesh.axes;
  return axes[axes.length - 1]?.name ?? 'batch';
};

function insert(call: string): void {
  editDoc((d) => ({ ...d, tactics: insertTactic(d.tactics, freshName(d.tactics), call) }));
}

export async function insertTacticForNode(layout: GraphLayout | null, nodeId: string, payload: string): Promise<void> {
  const tactic = payload.trim();
  if (!/^[A-Za-z_]\w*$/.test(tactic)) return;
  const node = layout?.nodes.find((n) => n.id === nodeId);
  let path: string | null = null;
  if (node?.valueId !== undefined) {
    const details = await pipelineClient().nodeDetails(`in:${node.valueId}`);
    const p = details?.results?.[0]?.path;
    if (p && !p.startsWith('%')) path = p;
  }
  insert(callFor(tactic, defaultAxis(), path));
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
          title={`${docs.find((d) => d.name === n)?.description ?? n} — drag onto a graph node, or click to add`}
          onDragStart={(e) => {
            e.dataTransfer.setData(TACTIC_MIME, n);
            e.dataTransfer.setData('text/plain', n);
            e.dataTransfer.effectAllowed = 'copy';
          }}
          onClick={() => insert(callFor(n, defaultAxis(), null))}
        >
          {n}
        </button>
      ))}
    </div>
  );
}
