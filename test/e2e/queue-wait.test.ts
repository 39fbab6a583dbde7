import { describe, expect, it } from "vitest";
import { sharedTestStack } from "../support/stack.ts";

/**
 * Between call_ringing and the agent answering the shipped app sends nothing: the citizen waits
 * in the queue. That session is waiting, not idle; one whose app went away still ends.
 */
describe("a citizen waiting in the queue", () => {
  const stack = sharedTestStack();
  const maxInactiveMs = 600_000;

  it("keeps the session through a wait of twice max_inactive_seconds: the keep-alive is 200", async () => {
    const app = stack().asDevice("waiting-citizen");
    const created = await app.create();
    const path = `/video/v2/sessions/${created.body?.session_id}`;
    const ringing = await app.call("POST", `${path}/calls`, {
      client_call_id: "queue-call",
      status: "call_ringing",
    });
    expect(ringing.status).toBe(201);

    await stack().passTime(2 * maxInactiveMs, 30_000);

    const answered = await app.call("PUT", `${path}/calls/queue-call`, { status: "call_in_call" });
    expect(answered.status).toBe(200);
    const session = await app.call("GET", path);
    expect(session.body).toMatchObject({ status: "session_started" });
  });

  it("ends a waiting session whose app went away, and deletes its room", async () => {
    const app = stack().asDevice("gone-citizen");
    const created = await app.create();
    const path = `/video/v2/sessions/${created.body?.session_id}`;
    await app.call("POST", `${path}/calls`, {
      client_call_id: "gone-call",
      status: "call_ringing",
    });

    // The destination's max_queue_wait_seconds (an hour by default), and a little more.
    await stack().passTime(3_600_000 + 60_000, 60_000);

    expect((await app.call("GET", path)).body).toMatchObject({ status: "session_expired" });
    await expect
      .poll(() =>
        stack()
          .simulators.maxconf.rooms()
          .some((r) => r.name === created.body?.room_name),
      )
      .toBe(false);
  });
});
