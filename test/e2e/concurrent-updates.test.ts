import { describe, expect, it } from "vitest";
import { signDeviceToken } from "../../apps/shared/dev-device.ts";
import { readDatabase } from "../support/database.ts";
import { sharedTestStack } from "../support/stack.ts";

/** Updates of one session that arrive together take turns: none is refused for racing. */
describe("concurrent updates of one session", () => {
  const stack = sharedTestStack();

  it("answers 40 concurrent keep-alives of one call 200, each kept in the audit trail", async () => {
    const app = stack().asDevice("racing-keep-alives");
    const made = await app.create();
    const sessionId = String(made.body?.session_id);
    const call = await app.call("POST", `/video/v2/sessions/${sessionId}/calls`, {
      session_id: sessionId,
      client_call_id: "racing-call",
      status: "call_in_call",
    });
    expect(call.status).toBe(201);
    // One token signed beforehand and 40 connections open, so the 40 requests arrive together.
    const token = await signDeviceToken(stack().device, app.deviceCode);
    await Promise.all(Array.from({ length: 40 }, () => fetch(`${stack().urls.api}/healthz`)));
    const keepAlives = await Promise.all(
      Array.from({ length: 40 }, () =>
        fetch(`${stack().urls.api}/video/v2/sessions/${sessionId}/calls/racing-call`, {
          method: "PUT",
          headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
          body: JSON.stringify({ status: "call_in_call" }),
        }),
      ),
    );
    expect(keepAlives.map((answer) => answer.status)).toEqual(Array(40).fill(200));
    const db = readDatabase(stack().dataDir);
    try {
      const calls = db.eventsOf(sessionId).filter((event) => event.kind === "call");
      expect(calls).toHaveLength(41);
    } finally {
      db.close();
    }
  });
});
