import { afterEach, describe, expect, it } from "vitest";
import { VirtualClock } from "../../simulators/control/clock.ts";
import { createControlPlane } from "../../simulators/control/control-plane.ts";
import type { JournalEntry, Room } from "../../simulators/index.ts";
import { basicAuthHeader } from "../../simulators/shared/basic-auth.ts";
import {
  audience,
  clientId,
  clientSecret,
  hex,
  startWiredStack,
  tenant,
  type WiredStack,
} from "./wired-stack.ts";

let stack: WiredStack | undefined;
afterEach(async () => {
  await stack?.close();
  stack = undefined;
});

/** Every kind of credential the simulators receive, each sent once; what each one was. */
async function sendEveryCredential(wired: WiredStack) {
  const { tokenServer, maxconf, pexip } = wired.urls;
  const form = { grant_type: "client_credentials", scope: `${audience}/.default` };
  await fetch(`${tokenServer}/${tenant}/oauth2/v2.0/token`, {
    method: "POST",
    headers: { authorization: basicAuthHeader({ username: clientId, password: clientSecret }) },
    body: new URLSearchParams(form),
  });
  const accessToken = await wired.accessToken();
  const created = await fetch(`${maxconf}/room/create?uuiData=${hex("secrets")}`, {
    method: "POST",
    headers: { authorization: `Bearer ${accessToken}` },
  });
  const room = (await created.json()) as Room;
  const conference = `${pexip}/api/client/v2/conferences/${room.name}`;
  const joined = await fetch(`${conference}/request_token`, {
    method: "POST",
    headers: { "content-type": "application/json", pin: room.guest_pin },
    body: JSON.stringify({ display_name: "Citizen" }),
  });
  const { token } = ((await joined.json()) as { result: { token: string } }).result;
  const events = await fetch(`${conference}/events?token=${encodeURIComponent(token)}`);
  await events.body?.cancel();
  // Releasing the token ends the conference: Pexip posts to MaxConf's event sink (HTTP Basic).
  await fetch(`${conference}/release_token`, { method: "POST", headers: { token } });
  await wired.pexip.settled();
  return { accessToken, pexipToken: token, guestPin: room.guest_pin };
}

async function journalOf(url: string): Promise<JournalEntry[]> {
  return ((await (await fetch(`${url}/_sim/journal`)).json()) as { entries: JournalEntry[] })
    .entries;
}

const find = (entries: JournalEntry[], path: string, has: (entry: JournalEntry) => boolean) =>
  entries.find((entry) => entry.path.endsWith(path) && has(entry));

describe("the simulators' journals", () => {
  it("redact the client secret, bearer and Basic credentials, Pexip tokens and PINs by default", async () => {
    stack = await startWiredStack();
    const sent = await sendEveryCredential(stack);
    const [tokens, rooms, pexip] = await Promise.all([
      journalOf(stack.urls.tokenServer),
      journalOf(stack.urls.maxconf),
      journalOf(stack.urls.pexip),
    ]);
    const everything = JSON.stringify([tokens, rooms, pexip]);
    for (const secret of [clientSecret, sent.accessToken.split(".")[2], sent.pexipToken]) {
      expect(everything).not.toContain(secret);
    }
    expect(everything).not.toContain(btoa(`${clientId}:${clientSecret}`));

    const formRequest = find(tokens, "/token", (entry) => entry.body.includes("client_id"));
    expect(formRequest?.body).toContain(`client_id=${clientId}`);
    expect(formRequest?.body).toContain("client_secret=[redacted]");
    const basicRequest = find(tokens, "/token", (entry) => !entry.body.includes("client_id"));
    expect(basicRequest?.headers.authorization).toBe("Basic [redacted]");
    // A JWS keeps its header (alg, kid), not its claims or signature.
    const create = find(rooms, "/room/create", () => true);
    const [jwsHeader] = sent.accessToken.split(".");
    expect(create?.headers.authorization).toBe(`Bearer ${jwsHeader}.[redacted]`);
    const sink = find(rooms, "/public/event_sink", () => true);
    expect(sink?.headers.authorization).toBe("Basic [redacted]");

    expect(find(pexip, "/request_token", () => true)?.headers.pin).toBe("[redacted]");
    expect(find(pexip, "/events", () => true)?.query.token).toBe("[redacted]");
    expect(find(pexip, "/release_token", () => true)?.headers.token).toBe("[redacted]");
  });

  it("show them as they came when told to", async () => {
    stack = await startWiredStack({ controlAccess: { journalSecrets: "show" } });
    const sent = await sendEveryCredential(stack);
    const tokens = await journalOf(stack.urls.tokenServer);
    const formRequest = find(tokens, "/token", (entry) => entry.body.includes("client_id"));
    expect(formRequest?.body).toContain(`client_secret=${clientSecret}`);
    const rooms = stack.maxconf.journal.entries({ path: "/room/create" });
    expect(rooms[0]?.headers.authorization).toBe(`Bearer ${sent.accessToken}`);
    const pexip = stack.pexip.journal.entries();
    expect(find(pexip, "/request_token", () => true)?.headers.pin).toBe(sent.guestPin);
    expect(find(pexip, "/release_token", () => true)?.headers.token).toBe(sent.pexipToken);
  });
});

describe("a control API with a token", () => {
  const simulator = () => {
    const control = createControlPlane({
      simulator: "guarded",
      clock: new VirtualClock(),
      seed: 1,
      resetState: () => {},
      access: { token: "the-control-token" },
    });
    control.app.get("/thing", (c) => c.json({ ok: true }));
    return control;
  };

  it("answers /_sim/* without it, or with another, 401 in problem+json", async () => {
    const { app } = simulator();
    for (const authorization of [undefined, "Bearer wrong-token", "Basic the-control-token"]) {
      const response = await app.request("/_sim/journal", {
        headers: authorization ? { authorization } : {},
      });
      expect(response.status).toBe(401);
      expect(response.headers.get("content-type")).toBe("application/problem+json");
      expect(response.headers.get("www-authenticate")).toMatch(/^Bearer /);
      expect(await response.json()).toMatchObject({ status: 401, title: "Unauthorized" });
    }
    const reset = await app.request("/_sim/reset", { method: "POST" });
    expect(reset.status).toBe(401);
  });

  it("serves /_sim/* with it, and leaves the simulator's own routes alone", async () => {
    const control = simulator();
    expect((await control.app.request("/thing")).status).toBe(200);
    const journal = await control.app.request("/_sim/journal", {
      headers: { authorization: "Bearer the-control-token" },
    });
    expect(journal.status).toBe(200);
    expect((await journal.json()).entries.map((entry: JournalEntry) => entry.path)).toEqual([
      "/thing",
    ]);
  });
});
