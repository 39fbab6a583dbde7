import { describe, expect, it } from "vitest";
import { simControl } from "../contract/sim-control.ts";
import { readDatabase } from "../support/database.ts";
import { sharedTestStack, type TestStack } from "../support/stack.ts";

/** A staff token, as the console's dev sign-in gets one from the token simulator. */
async function staffToken(stack: TestStack): Promise<string> {
  const answer = await fetch(`${stack.urls.api}/dev/staff-token`, { method: "POST" });
  expect(answer.status).toBe(200);
  return ((await answer.json()) as { access_token: string }).access_token;
}

const ops = (stack: TestStack, path: string, token?: string) =>
  fetch(`${stack.urls.api}/ops/v2${path}`, {
    headers: token ? { authorization: `Bearer ${token}` } : {},
  });

describe("the support staff's API (/ops)", () => {
  const stack = sharedTestStack();

  it("finds a session and shows its timeline: requests, upstream calls, statuses, a verdict", async () => {
    // MaxConf refuses the create's token once, as expired: the create waits for a new token, so
    // its timeline holds a token fetch (whether it waited on the one fetched at start is a race).
    await simControl(stack().urls.maxconf).fault({
      match: { method: "POST", path: "/room/create" },
      respond: { status: 401, body: { error: "invalid_token" } },
      times: 1,
    });
    const app = stack().asDevice("ops-citizen");
    const made = await app.create();
    expect(made.status).toBe(201);
    const id = String(made.body?.session_id);
    await app.call("POST", `/video/v2/sessions/${id}/calls`, {
      client_call_id: "ops-call",
      status: "call_ringing",
    });
    const token = await staffToken(stack());

    const list = await ops(stack(), `/sessions?session_id=${id}`, token);
    expect(list.status).toBe(200);
    const found = await list.json();
    expect(found.sessions).toMatchObject([{ session_id: id, status: "session_started" }]);
    expect(JSON.stringify(found)).not.toContain("ops-citizen"); // the device code, masked
    expect(found.sessions[0].device).toMatch(/^.{4}\.\.\..{4}$/);
    expect(found.counts.session_started).toBeGreaterThanOrEqual(1);

    await expect
      .poll(
        async () =>
          (await (await ops(stack(), `/sessions/${id}/timeline`, token)).json()).entries.length,
      )
      .toBeGreaterThanOrEqual(7);
    const timeline = await (await ops(stack(), `/sessions/${id}/timeline`, token)).json();
    const kinds = timeline.entries.map((e: { kind: string; operation?: string; route?: string }) =>
      e.kind === "upstream" ? e.operation : e.kind === "request" ? e.route : e.kind,
    );
    expect(kinds).toEqual(
      expect.arrayContaining(["token", "room create", "/video/v2/sessions", "status"]),
    );
    // MaxConf's create is the create request's, by its id.
    type Entry = { kind: string; operation?: string; route?: string; requestId?: string };
    const entries: Entry[] = timeline.entries;
    const roomCreate = entries.find((e) => e.operation === "room create");
    const asked = entries.find((e) => e.kind === "request" && e.route === "/video/v2/sessions");
    expect(roomCreate?.requestId).toBeDefined();
    expect(roomCreate?.requestId).toBe(asked?.requestId);
    expect(roomCreate).toMatchObject({ cause: "request" });
    expect(timeline.verdict).toMatchObject({ code: "silent_after_ringing", blames: "app" });
    // Ringing, not yet with an agent: still in the queue, as the list says.
    expect(timeline.session.queue_position).toBeGreaterThanOrEqual(1);
    expect(timeline.session.queue_position).toBe(found.sessions[0].queue_position);
  });

  it("names MaxConf when it failed the create, with the row that shows it", async () => {
    await fetch(`${stack().urls.maxconf}/_sim/faults`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({
        match: { method: "POST", path: "/room/create" },
        respond: { status: 500 },
        times: 1,
      }),
    });
    const failed = await stack().asDevice("ops-maxconf-fault").create();
    expect(failed.status).toBe(503);
    const token = await staffToken(stack());
    const search = await (await ops(stack(), "/sessions?status=session_failed", token)).json();
    const id = search.sessions[0].session_id;
    await expect
      .poll(
        async () =>
          (await (await ops(stack(), `/sessions/${id}/timeline`, token)).json()).verdict.code,
      )
      .toBe("maxconf_create_failed");
    const timeline = await (await ops(stack(), `/sessions/${id}/timeline`, token)).json();
    expect(timeline.verdict.blames).toBe("maxconf");
    const shown = timeline.entries.filter((e: { seq: number }) =>
      timeline.verdict.rows.includes(e.seq),
    );
    expect(shown).toMatchObject([{ kind: "upstream", operation: "room create", outcome: 500 }]);
  });

  it("is for staff only: no token, a device's, one without the role or expired get 401/403", async () => {
    expect((await ops(stack(), "/sessions")).status).toBe(401);
    const device = await stack().asDevice("ops-intruder").create();
    expect(device.status).toBe(201);
    const deviceToken = await deviceTokenOf(stack());
    expect((await ops(stack(), "/sessions", deviceToken)).status).toBe(401);
    // The service's own client at the token server: a token of the tenant, but for MaxConf.
    const theService = await (
      await fetch(`${stack().entra.authority}/oauth2/v2.0/token`, {
        method: "POST",
        body: new URLSearchParams({
          grant_type: "client_credentials",
          client_id: stack().entra.clientId,
          client_secret: stack().entra.clientSecret,
          scope: stack().entra.scope,
        }),
      })
    ).json();
    expect((await ops(stack(), "/sessions", theService.access_token)).status).toBe(401);
    // A staff token does not open the app's endpoints.
    const staff = await staffToken(stack());
    const asApp = await fetch(`${stack().urls.api}/video/v2/destinations`, {
      headers: { authorization: `Bearer ${staff}` },
    });
    expect(asApp.status).toBe(401);
  });

  it("refuses a malformed search with 400 naming the parameter, an unknown session with 404", async () => {
    const token = await staffToken(stack());
    const tooMany = await ops(stack(), "/sessions?limit=500", token);
    expect(tooMany.status).toBe(400);
    expect((await tooMany.json()).errors).toMatchObject([{ path: "limit" }]);
    const backwards = await ops(
      stack(),
      "/sessions?from=2026-11-26T00:00:00Z&to=2026-11-25T00:00:00Z",
      token,
    );
    expect((await backwards.json()).errors).toMatchObject([{ path: "from" }]);
    expect((await ops(stack(), "/sessions?from=yesterday", token)).status).toBe(400);
    const unknown = await ops(stack(), "/sessions/no-such-session/timeline", token);
    expect(unknown.status).toBe(404);
    expect(unknown.headers.get("content-type")).toContain("application/problem+json");
  });

  it("keeps every read: who of the staff read what", async () => {
    const token = await staffToken(stack());
    await ops(stack(), "/sessions?live=true", token);
    const db = readDatabase(stack().dataDir);
    try {
      await expect
        .poll(() => db.opsReads().map((read) => read.what))
        .toContain("GET /ops/v2/sessions?live=true");
      expect(db.opsReads().at(-1)?.staff).toMatch(/bcsc-ops-console/);
    } finally {
      db.close();
    }
  });

  it("pushes the live sessions and the counts per status (server-sent events)", async () => {
    const token = await staffToken(stack());
    const response = await ops(stack(), "/live", token);
    expect(response.headers.get("content-type")).toContain("text/event-stream");
    const reader = response.body?.getReader();
    const first = new TextDecoder().decode((await reader?.read())?.value);
    await reader?.cancel();
    expect(first).toContain("event: sessions");
    const data = JSON.parse(first.split("data: ")[1] ?? "{}");
    expect(data.sessions.length).toBeGreaterThan(0);
    expect(data.counts).toBeTypeOf("object");
  });
});

async function deviceTokenOf(stack: TestStack): Promise<string> {
  const answer = await fetch(`${stack.urls.api}/dev/device-token`, { method: "POST" });
  return ((await answer.json()) as { token: string }).token;
}
