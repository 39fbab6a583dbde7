import type { JournalEntry } from "../../simulators/index.ts";

/**
 * A simulator's control API over HTTP, as an integrator's own tests would use it; `send`: a fetch
 * that trusts the simulator's certificate, when it speaks HTTPS with a dev CA.
 */
export function simControl(baseUrl: string, send: typeof fetch = fetch) {
  return {
    /** Arms a fault (`POST /_sim/faults`). */
    async fault(spec: Record<string, unknown>): Promise<void> {
      const response = await send(`${baseUrl}/_sim/faults`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify(spec),
      });
      if (response.status !== 201) {
        throw new Error(`arming a fault: ${response.status} ${await response.text()}`);
      }
    },
    /** How many faults are armed (one armed for `times` requests goes once it has taken them). */
    async armedFaults(): Promise<number> {
      const response = await send(`${baseUrl}/_sim/faults`);
      return ((await response.json()) as { faults: unknown[] }).faults.length;
    },
    /** The requests received on paths starting with `path`. */
    async journal(path: string): Promise<JournalEntry[]> {
      const response = await send(`${baseUrl}/_sim/journal?path=${encodeURIComponent(path)}`);
      return ((await response.json()) as { entries: JournalEntry[] }).entries;
    },
  };
}
