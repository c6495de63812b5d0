/**
 * A minimal observable value: the widget's state lives in one, the Preact tree subscribes.
 * Preact's signals or compat would do the same at several times the weight.
 */
export class Store<T extends object> {
  private readonly listeners = new Set<() => void>();

  constructor(private current: T) {}

  get(): T {
    return this.current;
  }

  update(patch: Partial<T>): void {
    this.current = { ...this.current, ...patch };
    for (const listener of this.listeners) listener();
  }

  subscribe(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => {
      this.listeners.delete(listener);
    };
  }
}
