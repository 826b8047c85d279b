/** Small form fields that keep a draft while the user types and commit only valid values. */
import { useEffect, useId, useState } from 'react';
import { setFieldInvalid } from '../invalidFields';

export function NumberField(props: {
  value: number;
  min?: number;
  integer?: boolean;
  onCommit: (v: number) => void;
  testId?: string;
  label?: string;
}) {
  const { value, min, integer = true, onCommit, testId, label } = props;
  const [draft, setDraft] = useState(String(value));
  useEffect(() => setDraft(String(value)), [value]);
  const parsed = Number(draft);
  const valid = draft.trim() !== '' && Number.isFinite(parsed) && (!integer || Number.isInteger(parsed)) && (min === undefined || parsed >= min);
  const why = `${label ?? 'this field'} needs ${integer ? 'an integer' : 'a number'}${min !== undefined ? ` ≥ ${min}` : ''}; still using ${value}`;
  // the header's status says the result ignores this field while its draft is invalid
  const id = useId();
  useEffect(() => setFieldInvalid(id, valid ? null : why), [id, valid, why]);
  useEffect(() => () => setFieldInvalid(id, null), [id]);
  const input = (
    <input
      className={valid ? 'num' : 'num invalid'}
      type="number"
      aria-label={label}
      aria-invalid={!valid}
      aria-describedby={valid || !testId ? undefined : `${testId}-why`}
      data-testid={testId}
      value={draft}
      min={min}
      step={integer ? 1 : 'any'}
      title={valid ? undefined : why}
      onChange={(e) => {
        setDraft(e.target.value);
        const v = Number(e.target.value);
        if (e.target.value.trim() !== '' && Number.isFinite(v) && (!integer || Number.isInteger(v)) && (min === undefined || v >= min)) onCommit(v);
      }}
      onBlur={() => setDraft(String(value))}
    />
  );
  // An invalid draft is not applied: say so next to the field, not only in a tooltip.
  if (valid) return input;
  return (
    <span className="field-wrap">
      {input}
      <span className="field-why" role="alert" id={testId ? `${testId}-why` : undefined} data-testid={testId ? `${testId}-why` : undefined}>{why}</span>
    </span>
  );
}

/** A text field committed on Enter or blur (renames should not apply letter by letter). */
export function TextField(props: { value: string; pattern?: RegExp; onCommit: (v: string) => void; testId?: string; label?: string; hint?: string }) {
  const { value, pattern, onCommit, testId, label, hint } = props;
  const [draft, setDraft] = useState(value);
  useEffect(() => setDraft(value), [value]);
  const valid = pattern ? pattern.test(draft) : draft !== '';
  const id = useId();
  useEffect(() => setFieldInvalid(id, valid ? null : `${label ?? 'a field'} is not valid${hint ? ` (${hint})` : ''}; still using ${value}`), [id, valid, label, hint, value]);
  useEffect(() => () => setFieldInvalid(id, null), [id]);
  const commit = () => {
    if (valid && draft !== value) onCommit(draft);
    else setDraft(value);
  };
  return (
    <input
      className={valid ? 'text' : 'text invalid'}
      aria-label={label}
      data-testid={testId}
      value={draft}
      title={valid ? undefined : hint}
      onChange={(e) => setDraft(e.target.value)}
      onBlur={commit}
      onKeyDown={(e) => {
        if (e.key === 'Enter') commit();
        if (e.key === 'Escape') setDraft(value);
      }}
    />
  );
}
