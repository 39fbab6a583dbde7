import { describe, expect, it } from "vitest";
import { sharedTestStack } from "../support/stack.ts";

/**
 * The shipped app registers one OAuth client per installation, so a client id is an installation:
 * it holds one live session (by default), however many device codes it presents.
 */
describe("live sessions per app installation", () => {
  const stack = sharedTestStack({ env: { CLIENT_MAX_LIVE_SESSIONS: "1" } });

  const roomCreates = () =>
    stack()
      .simulators.maxconf.journal.entries()
      .filter((e) => e.path === "/room/create").length;

  it("refuses a second live session with 409, creating no room and storing nothing", async () => {
    const first = stack().asDevice("installation-code-1");
    const made = await first.create();
    expect(made.status).toBe(201);

    const before = roomCreates();
    const second = stack().asDevice("installation-code-2");
    const refused = await second.create();
    expect(refused.status).toBe(409);
    expect(refused.headers.get("content-type")).toContain("application/problem+json");
    expect(refused.body).toMatchObject({ title: "Live session limit", status: 409 });
    expect(roomCreates()).toBe(before);

    // Once the first session is over, the installation may have another.
    await first.call("DELETE", `/video/v2/sessions/${made.body?.session_id}`);
    const again = await second.create();
    expect(again.status).toBe(201);
    await second.call("DELETE", `/video/v2/sessions/${again.body?.session_id}`);
  });

  it("holds one live session and one room under 200 concurrent creates with fresh device codes", async () => {
    const before = roomCreates();
    const answers = await Promise.all(
      Array.from({ length: 200 }, (_, i) => {
        const app = stack().asDevice(`flood-code-${i}`);
        return app.create();
      }),
    );
    const statuses = answers.map((answer) => answer.status);
    expect(statuses.filter((status) => status === 201)).toHaveLength(1);
    expect(statuses.filter((status) => status === 409)).toHaveLength(199);
    expect(roomCreates() - before).toBe(1);
  });

  it("serves each destination's limit on live sessions, a default when the file sets none", async () => {
    const app = stack().asDevice("destinations-reader");
    const answer = await app.call("GET", "/video/v2/destinations");
    expect(answer.status).toBe(200);
    expect(answer.body).toMatchObject([{ max_active_sessions: 1000 }]);
  });
});
