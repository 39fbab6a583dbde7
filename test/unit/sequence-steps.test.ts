import { describe, expect, it } from "vitest";
import { sequenceOf } from "../../apps/api/ops-console/browser/sequence-steps.ts";
import type { Entry } from "../../apps/api/ops-console/browser/wire.ts";

/** A create's rows as a clock that stands still writes them: every instant the same. */
function createRows(tokenMs: number, roomMs: number): Entry[] {
  const at = "2026-11-25T18:00:00.000Z";
  const before = (ms: number) => new Date(Date.parse(at) - ms).toISOString();
  const upstream = { kind: "upstream", requestId: "r1", cause: "request", attempt: 1 };
  return [
    {
      kind: "request",
      seq: 0,
      at,
      requestId: "r1",
      method: "POST",
      route: "/video/v2/sessions",
      status: 201,
      ms: 0,
    },
    {
      ...upstream,
      seq: 1,
      at: before(tokenMs),
      upstream: "token-server",
      operation: "token",
      outcome: 200,
      ms: tokenMs,
    },
    {
      ...upstream,
      seq: 2,
      at: before(roomMs),
      upstream: "maxconf",
      operation: "room create",
      outcome: 200,
      ms: roomMs,
    },
  ] as unknown as Entry[];
}

describe("the console's sequence of a session", () => {
  it("draws the token a MaxConf call needed first, whichever took longer", () => {
    const durations: [number, number][] = [
      [40, 5],
      [5, 40],
    ];
    for (const [tokenMs, roomMs] of durations) {
      const labels = sequenceOf(createRows(tokenMs, roomMs)).map((step) => step.label);
      expect(labels).toEqual([
        "POST /video/v2/sessions",
        "POST /{tenant}/oauth2/v2.0/token",
        "200",
        "POST /room/create",
        "200",
        "201",
      ]);
    }
  });
});
