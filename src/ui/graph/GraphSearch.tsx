/**
 * "Go to value or op by name or path": a search box in the graph's toolbar. It asks the worker (props:
 * `search`) as the user types, lists the hits, and `onGo` opens the groups a hit needs and selects it.
 * Enter goes to the highlighted hit; arrow keys move through the list; Escape clears.
 */
import { useEffect, useRef, useState } from 'react';
import type { SearchHit, SearchResult } from '../../worker/layout';

export interface GraphSearchProps {
  search: (query: string) => Promise<SearchResult>;
  onGo: (hit: SearchHit) => void;
  /** The hits of the current query (empty when cleared), for the graph to highlight. */
  onHits: (hits: readonly SearchHit[]) => void;
}

const DEBOUNCE_MS = 120;

export function GraphSearch({ search, onGo, onHits }: GraphSearchProps) {
  const [query, setQuery] = useState('');
  const [result, setResult] = useState<SearchResult | null>(null);
  const [active, setActive] = useState(0);
  const [open, setOpen] = useState(false);
  const onHitsRef = useRef(onHits);
  onHitsRef.current = onHits;
  useEffect(() => {
    if (!query.trim()) {
      setResult(null);
      onHitsRef.current([]);
      return;
    }
    let live = true;
    const t = setTimeout(() => {
      void search(query).then((r) => {
        if (!live) return;
        setResult(r);
        setActive(0);
        onHitsRef.current(r.hits);
      });
    }, DEBOUNCE_MS);
    return () => {
      live = false;
      clearTimeout(t);
    };
  }, [query, search]);

  const hits = result?.hits ?? [];
  const go = (h: SearchHit | undefined) => {
    if (!h) return;
    onGo(h);
    setOpen(false);
  };
  return (
    <div className="graph-search" role="search">
      <input type="search" className="graph-search-input" data-testid="graph-search" placeholder="Go to op, value or path…"
        aria-label="go to an op, value or group by name or path" value={query} aria-expanded={open && hits.length > 0}
        aria-controls="graph-search-hits" aria-activedescendant={open && hits[active] ? `graph-search-hit-${active}` : undefined}
        onChange={(e) => {
          setQuery(e.currentTarget.value);
          setOpen(true);
        }}
        onFocus={() => setOpen(true)}
        onBlur={() => setTimeout(() => setOpen(false), 150)}
        onKeyDown={(e) => {
          if (e.key === 'ArrowDown') {
            e.preventDefault();
            setOpen(true);
            setActive((a) => Math.min(hits.length - 1, a + 1));
          } else if (e.key === 'ArrowUp') {
            e.preventDefault();
            setActive((a) => Math.max(0, a - 1));
          } else if (e.key === 'Enter') {
            e.preventDefault();
            go(hits[active]);
          } else if (e.key === 'Escape') {
            setQuery('');
            setOpen(false);
          }
        }} />
      {query.trim() && result && (
        <span className="graph-search-count" data-testid="graph-search-count" data-value={result.total}>
          {result.total === 0 ? 'no match' : `${result.total} match${result.total > 1 ? 'es' : ''}`}
        </span>
      )}
      {open && hits.length > 0 && (
        <ul className="graph-search-hits" id="graph-search-hits" role="listbox" data-testid="graph-search-hits">
          {hits.map((h, i) => (
            <li key={h.nodeId} id={`graph-search-hit-${i}`} role="option" aria-selected={i === active}
              className={i === active ? 'active' : undefined} data-testid="graph-search-hit"
              onMouseDown={(e) => {
                e.preventDefault(); // keep the focus in the box
                go(h);
              }}>
              <span className={`graph-search-kind kind-${h.kind}`}>{h.kind}</span> {h.text}
            </li>
          ))}
          {result && result.total > hits.length && <li className="graph-muted" role="presentation">… {result.total - hits.length} more: type more of the name</li>}
        </ul>
      )}
    </div>
  );
}
