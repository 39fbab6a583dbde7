import { byId } from "./dom.ts";
import { type OpsClient, OpsProblem } from "./ops-client.ts";
import { countItems, sessionRow } from "./session-rows.ts";
import type { LiveSessions } from "./wire.ts";

const reconnectAfterMs = 3000;

/**
 * The live sessions and the counts per status, as /ops/v2/live pushes them; read again after a
 * broken stream, until stopped. Refused (401/403): stops and says why.
 */
export class LiveFeed {
  #stop: AbortController | undefined;

  constructor(
    private readonly client: OpsClient,
    private readonly listeners: ((live: LiveSessions) => void)[],
    private readonly refused: (problem: OpsProblem) => void,
  ) {}

  start(): void {
    this.stop();
    const stop = new AbortController();
    this.#stop = stop;
    void this.#follow(stop.signal);
  }

  stop(): void {
    this.#stop?.abort();
    this.#stop = undefined;
  }

  async #follow(signal: AbortSignal): Promise<void> {
    while (!signal.aborted) {
      try {
        state("connecting…");
        await this.client.live(signal, (live) => {
          state("(live)");
          this.#show(live);
        });
      } catch (error) {
        if (signal.aborted) return;
        if (error instanceof OpsProblem && (error.status === 401 || error.status === 403)) {
          this.refused(error);
          return;
        }
      }
      state("reconnecting…");
      await new Promise((resume) => setTimeout(resume, reconnectAfterMs));
    }
  }

  #show(live: LiveSessions): void {
    byId("counts").replaceChildren(...countItems(live.counts));
    byId("live-sessions")
      .querySelector("tbody")
      ?.replaceChildren(...live.sessions.map(sessionRow));
    for (const listener of this.listeners) listener(live);
  }
}

const state = (text: string) => {
  byId("live-state").textContent = text;
};
