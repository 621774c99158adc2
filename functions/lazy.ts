/**
 * A value created on first use and reused afterwards: SDK clients live at module scope but are built
 * only when an invocation needs them (docs/functions-runtime.md, 1.4 and 4.4). A creation that throws (a missing setting) is
 * not remembered, so the next invocation tries again.
 */
export interface Lazy<T> {
  /** The value, created now if this is the first successful call. */
  get(): T;
  /** The value if it was created, without creating it (for shutdown). */
  peek(): T | undefined;
}

export function lazy<T>(create: () => T): Lazy<T> {
  let created: { value: T } | undefined;
  return {
    get() {
      created ??= { value: create() };
      return created.value;
    },
    peek() {
      return created?.value;
    },
  };
}
