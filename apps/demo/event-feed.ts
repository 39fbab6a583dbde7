import type { PexipEvent } from "../../adapters/pexip/index.ts";

interface Waiter {
  matches: (event: PexipEvent) => boolean;
  resolve: (event: PexipEvent) => void;
  reject: (error: unknown) => void;
}

/**
 * Reads a conference's event stream in the background and keeps every event, so a step can wait
 * for an event that may already have arrived (the roster replay can contain the agent).
 */
export class EventFeed {
  readonly received: PexipEvent[] = [];
  readonly #waiters = new Set<Waiter>();
  #endedBy: Error | undefined;

  constructor(events: AsyncIterable<PexipEvent>) {
    void this.#consume(events);
  }

  /** The first event that matches, past or future; rejects on timeout or when the stream ends. */
  waitFor(what: string, matches: (event: PexipEvent) => boolean, timeoutMs: number) {
    const past = this.received.find(matches);
    if (past) return Promise.resolve(past);
    if (this.#endedBy) return Promise.reject(this.#endedBy);
    return new Promise<PexipEvent>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.#waiters.delete(waiter);
        reject(new Error(`no ${what} within ${timeoutMs} ms`));
      }, timeoutMs);
      const settle = (finish: () => void) => {
        clearTimeout(timer);
        this.#waiters.delete(waiter);
        finish();
      };
      const waiter: Waiter = {
        matches,
        resolve: (event) => settle(() => resolve(event)),
        reject: (error) => settle(() => reject(error)),
      };
      this.#waiters.add(waiter);
    });
  }

  async #consume(events: AsyncIterable<PexipEvent>): Promise<void> {
    try {
      for await (const event of events) {
        this.received.push(event);
        for (const waiter of this.#waiters) if (waiter.matches(event)) waiter.resolve(event);
        if (event.event === "disconnect") {
          this.#end(new Error(`Pexip disconnected the participant: ${JSON.stringify(event.data)}`));
        }
      }
      this.#end(new Error("the Pexip event stream ended"));
    } catch (error) {
      this.#end(new Error("the Pexip event stream failed", { cause: error }));
    }
  }

  #end(reason: Error): void {
    this.#endedBy ??= reason;
    for (const waiter of this.#waiters) waiter.reject(this.#endedBy);
  }
}
