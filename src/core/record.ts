/**
 * Records keyed by user text (axis names, value paths, tactic names). A plain `{}` inherits from
 * Object.prototype: assigning `out["__proto__"] = x` changes its prototype instead of adding a key (the
 * entry silently vanishes), and reading `out["constructor"]` finds a function. These helpers avoid both.
 */

/** An empty record with no prototype: every key, `__proto__` included, is an ordinary own key. */
export function userRecord<T>(): Record<string, T> {
  return Object.create(null) as Record<string, T>;
}

/** A static table's entry for a user-given key; never a property inherited from Object.prototype. */
export function lookup<T>(table: Readonly<Record<string, T>>, key: string): T | undefined {
  return Object.hasOwn(table, key) ? table[key] : undefined;
}
