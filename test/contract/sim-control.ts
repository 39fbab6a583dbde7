import type { JournalEntry } from "../../simulators/index.ts";

/** A simulator's control API over HTTP, as an integrator's own tests would use it. */
export function simControl(baseUrl: string) {
  return {
    /** Arms a fault (`POST /_sim/faults`). */
    async fault(spec: Record<string, unknown>): Promise<void> {
      const response = await fetch(`${baseUrl}/_sim/faults`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify(spec),
      });
      if (response.status !== 201) {
        throw new Error(`arming a fault: ${response.status} ${await response.text()}`);
      }
    },
    /** The requests received on paths starting with `path`. */
    async journal(path: string): Promise<JournalEntry[]> {
      const response = await fetch(`${baseUrl}/_sim/journal?path=${encodeURIComponent(path)}`);
      return ((await response.json()) as { entries: JournalEntry[] }).entries;
    },
  };
}
