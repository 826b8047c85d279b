/**
 * Fields whose draft is invalid and therefore not applied (panels/fields.tsx), so that the header's status
 * does not say "up to date" while the screen shows a value the result ignores. Keyed by the field's id.
 */
import { createStore } from 'zustand/vanilla';
import { useStore } from 'zustand';

const store = createStore<{ fields: Map<string, string> }>(() => ({ fields: new Map() }));

/** Marks a field invalid with the reason, or valid again (reason null). */
export function setFieldInvalid(id: string, reason: string | null): void {
  const fields = store.getState().fields;
  if (reason === null ? !fields.has(id) : fields.get(id) === reason) return;
  const next = new Map(fields);
  if (reason === null) next.delete(id);
  else next.set(id, reason);
  store.setState({ fields: next });
}

/** The reasons of the invalid fields, in the order they became invalid. */
export const useInvalidFields = (): string[] => [...useStore(store, (s) => s.fields).values()];
