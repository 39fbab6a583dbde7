/** Work a simulator does after answering; tracked so tests can wait for it instead of sleeping. */
export class Background {
  #pending = new Set<Promise<unknown>>();

  run(label: string, work: () => Promise<unknown>): void {
    const task: Promise<unknown> = work()
      .catch((error: unknown) => {
        console.warn(
          `[simulator] ${label} failed: ${error instanceof Error ? error.message : error}`,
        );
      })
      .finally(() => this.#pending.delete(task));
    this.#pending.add(task);
  }

  /** Resolves once nothing is pending, including work started by the work awaited. */
  async settled(): Promise<void> {
    while (this.#pending.size > 0) await Promise.all([...this.#pending]);
  }
}
