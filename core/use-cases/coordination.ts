/**
 * What one process coordinates in its own memory. None of it is a rule across requests (the store
 * enforces those, for every replica); each only spares this process work it would otherwise repeat.
 */

/** Concurrent calls for one key share the one under way. */
export class SingleFlight<T> {
  private readonly running = new Map<string, Promise<T>>();

  /** The call under way for `key`, if any; else `work`, shared until it settles. */
  run(key: string, work: () => Promise<T>): { result: Promise<T>; shared: boolean } {
    const running = this.running.get(key);
    if (running) return { result: running, shared: true };
    const result = work().finally(() => this.running.delete(key));
    this.running.set(key, result);
    return { result, shared: false };
  }
}

/**
 * Work on one key runs one at a time, in the order it arrived; other keys run alongside. The
 * changes of one session made in this process take turns instead of racing for its version.
 */
export class OneAtATime {
  private readonly tails = new Map<string, Promise<unknown>>();

  run<T>(key: string, work: () => Promise<T>): Promise<T> {
    const result = (this.tails.get(key) ?? Promise.resolve()).then(work);
    const tail = result.then(
      () => {},
      () => {},
    );
    this.tails.set(key, tail);
    void tail.then(() => {
      if (this.tails.get(key) === tail) this.tails.delete(key);
    });
    return result;
  }
}
