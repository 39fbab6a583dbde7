/** Work a simulator does after answering; tracked so tests can wait for it instead of sleeping. */
export class Background {
  #pending = new Set<Promise<unknown>>();

  run(label: string, work: () => Promise<unknown>): void {
    const task: Promise<void> = work().then(
      () => {
        this.#pending.delete(task);
      },
      (error: unknown) => {
        this.#pending.delete(task);
        console.warn(
          `[simulator] ${label} failed: ${error instanceof Error ? error.message : error}`,
        );
      },
    );
    this.#pending.add(task);
  }

  /** Resolves once nothing is pending, including work started by the work awaited. */
  async settled(): Promise<void> {
    while (this.#pending.size > 0) await Promise.all([...this.#pending]);
  }
}
