import { describe, expect, it } from "vitest";
import { MaxConfRooms } from "../../adapters/maxconf/maxconf-rooms.ts";
import { EntraAccessTokens } from "../../adapters/oauth/entra-access-tokens.ts";
import { PexipConferenceClient } from "../../adapters/pexip/index.ts";
import { runDemo } from "../../apps/demo/flow.ts";
import { signDeviceToken } from "../../apps/shared/dev-device.ts";
import { type Listener, listen } from "../../apps/shared/listen.ts";
import { type JournalEntry, VirtualClock, wireSimulators } from "../../simulators/index.ts";
import { audience, clientId, clientSecret, eventSink, tenant } from "../simulators/wired-stack.ts";
import { simSeed } from "../support/sim-seed.ts";
import { startTestStack } from "../support/stack.ts";
import { createWebRtcOffer } from "../support/webrtc-offer.ts";
import { OpenApiChecker, type OpenApiDocument } from "./openapi-conformance.ts";
import { directly } from "./targets.ts";

const SIMULATORS = ["tokenServer", "maxconf", "pexip"] as const;
type SimulatorName = (typeof SIMULATORS)[number];

async function servedDocument(url: string): Promise<OpenApiDocument> {
  const response = await fetch(`${url}/_sim/openapi.json`);
  expect(response.status).toBe(200);
  return (await response.json()) as OpenApiDocument;
}

const entry = (overrides: Partial<JournalEntry>): JournalEntry => ({
  seq: 1,
  time: "2026-01-05T18:00:00.000Z",
  method: "GET",
  path: "/things/7",
  query: {},
  headers: { authorization: "Bearer x" },
  body: "",
  status: 200,
  durationMs: 1,
  ...overrides,
});

describe("the OpenAPI checker", () => {
  const checker = new OpenApiChecker({
    openapi: "3.1.0",
    info: { title: "test", version: "1" },
    paths: {
      "/things/{id}": {
        get: {
          security: [{ bearer: [] }],
          parameters: [
            {
              name: "id",
              in: "path",
              required: true,
              schema: { type: "string", pattern: "^\\d+$" },
            },
            { name: "view", in: "query", required: true, schema: { enum: ["full"] } },
          ],
          responses: { 200: { description: "ok" } },
        },
        put: {
          requestBody: {
            required: true,
            content: {
              "application/json": {
                schema: {
                  type: "object",
                  required: ["n"],
                  properties: { n: { type: "integer", minimum: 1 } },
                  additionalProperties: false,
                },
              },
            },
          },
          responses: {
            204: { description: "done" },
            200: {
              description: "x",
              content: { "application/json": { schema: { $ref: "#/components/schemas/X" } } },
            },
          },
        },
      },
    },
    components: {
      securitySchemes: { bearer: { type: "http", scheme: "bearer" } },
      schemas: { X: { type: "object", required: ["x"], uniqueItems: true } },
    },
  });

  it("accepts a request that fits its operation", () => {
    expect(checker.request(entry({ query: { view: "full" } }))).toEqual([]);
  });

  it("names every way a request leaves the document", () => {
    expect(checker.request(entry({ path: "/nothing" }))[0]).toContain("no path");
    expect(checker.request(entry({ method: "DELETE" }))[0]).toContain("no DELETE operation");
    const problems = checker.request(
      entry({ path: "/things/x", query: { extra: "1" }, headers: {}, status: 500 }),
    );
    expect(problems.join("\n")).toMatch(/credentials/);
    expect(problems.join("\n")).toMatch(/id does not match/);
    expect(problems.join("\n")).toMatch(/lacks query parameter 'view'/);
    expect(problems.join("\n")).toMatch(/undeclared query parameter 'extra'/);
    expect(problems.join("\n")).toMatch(/status 500 is not declared/);
    const put = (body: string, headers = { "content-type": "application/json" }) =>
      checker.request(entry({ method: "PUT", body, headers, status: 204 })).join("\n");
    expect(put('{"n":1}')).toBe("");
    expect(put('{"n":0,"m":1}')).toMatch(/n is out of bounds[\s\S]*undeclared property 'm'/);
    expect(put("{")).toMatch(/not JSON/);
    expect(put("")).toMatch(/lacks the required body/);
    expect(put("n=1", { "content-type": "text/plain" })).toMatch(/undeclared content type/);
  });

  it("leaves the status of a fault's answer to the test that armed it", () => {
    expect(checker.request(entry({ query: { view: "full" }, status: 503, fault: "f1" }))).toEqual(
      [],
    );
  });

  it("checks answers and refuses schema keywords it does not check", () => {
    expect(checker.response("PUT", "/things/1", 200, "application/json", "{}").join()).toMatch(
      /lacks required 'x'[\s\S]*unsupported keyword 'uniqueItems'/,
    );
    expect(checker.documentProblems()).toEqual(["X: unsupported keyword 'uniqueItems'"]);
  });
});

describe("each simulator's OpenAPI document", () => {
  it("is served at /_sim/openapi.json as OpenAPI 3.1, uses only checked keywords, resolves", async () => {
    const stack = await startWalkStack();
    try {
      for (const name of SIMULATORS) {
        const document = await servedDocument(stack.urls[name]);
        expect(document.openapi).toBe("3.1.0");
        expect(Object.keys(document.paths)).toContain("/_sim/journal");
        expect(new OpenApiChecker(document).documentProblems()).toEqual([]);
      }
    } finally {
      await stack.close();
    }
  });
  it("describes every route its simulator serves, and nothing else", async () => {
    const stack = await startWalkStack();
    try {
      for (const name of SIMULATORS) {
        const { app } = stack.simulators[name];
        const served = app.routes
          .filter((route) => route.method !== "ALL")
          .map((route) => `${route.method} ${route.path.replaceAll(/:(\w+)/g, "{$1}")}`);
        const checker = new OpenApiChecker(await servedDocument(stack.urls[name]));
        expect(new Set(served), name).toEqual(new Set(checker.operations()));
      }
    } finally {
      await stack.close();
    }
  });
});

describe("requests in a whole run's journals", () => {
  it("the demo over the whole stack: every journaled request fits its simulator's document", async () => {
    const stack = await startTestStack();
    try {
      const deviceCode = "journal-conformance";
      await runDemo({
        api: stack.urls.api,
        clientId: stack.device.clientId,
        deviceCode,
        authorization: async () => `Bearer ${await signDeviceToken(stack.device, deviceCode)}`,
        keepAliveIntervalMs: 0,
        log: (line) => {
          // The simulated agent answers on the simulators' clock: move it once the call is up.
          if (line.includes("report call_media_pending")) void stack.clock.advance(5000);
        },
      });
      await expect.poll(() => stack.simulators.maxconf.rooms()).toEqual([]);
      await stack.simulators.pexip.settled();
      for (const name of SIMULATORS) {
        const url = stack.urls[name];
        const checker = new OpenApiChecker(await servedDocument(url));
        const { entries } = (await (await fetch(`${url}/_sim/journal`)).json()) as {
          entries: JournalEntry[];
        };
        expect(entries.length, `${name} received requests`).toBeGreaterThan(0);
        expect(entries.flatMap((e) => checker.request(e))).toEqual([]);
      }
    } finally {
      await stack.close();
    }
  });
});

interface Answer {
  simulator: SimulatorName;
  method: string;
  path: string;
  status: number;
  contentType: string;
  body: string;
}

/** The three simulators on sockets, every answer they give over HTTP recorded. */
async function startWalkStack() {
  const clock = new VirtualClock();
  const listeners = (await Promise.all(SIMULATORS.map(() => listen(0)))) as [
    Listener,
    Listener,
    Listener,
  ];
  const [tokenServerUrl, maxconfUrl, pexipUrl] = listeners.map((listener) => listener.url) as [
    string,
    string,
    string,
  ];
  const simulators = wireSimulators({
    clock,
    seed: simSeed(42),
    tokenServerUrl,
    maxconfUrl,
    pexipUrl,
    tenant,
    clientId,
    clientSecret,
    audience,
    eventSink,
    poolSize: 2,
  });
  const answers: Answer[] = [];
  SIMULATORS.forEach((name, index) => {
    const app = simulators[name].app;
    listeners[index]?.handle(async (request, env) => {
      const response = await app.fetch(request, env);
      const contentType = response.headers.get("content-type") ?? "";
      // A stream would never end: its media type is checked, not its body.
      const body = contentType.startsWith("text/event-stream") ? "" : await response.clone().text();
      const { pathname } = new URL(request.url);
      answers.push({
        simulator: name,
        method: request.method,
        path: pathname,
        status: response.status,
        contentType,
        body,
      });
      return response;
    });
  });
  return {
    clock,
    simulators,
    answers,
    urls: { tokenServer: tokenServerUrl, maxconf: maxconfUrl, pexip: pexipUrl },
    close: async () => {
      await Promise.all([simulators.pexip.settled(), simulators.maxconf.settled()]);
      await Promise.all(listeners.map((listener) => listener.close()));
    },
  };
}

/** A request to a simulator; the recording listener keeps its answer. */
async function send(
  url: string,
  method: string,
  path: string,
  init: { headers?: Record<string, string>; json?: unknown; form?: Record<string, string> } = {},
): Promise<Response> {
  const headers = { ...init.headers };
  let body: string | undefined;
  if (init.json !== undefined) {
    headers["content-type"] = "application/json";
    body = JSON.stringify(init.json);
  } else if (init.form) {
    headers["content-type"] = "application/x-www-form-urlencoded";
    body = new URLSearchParams(init.form).toString();
  }
  const response = await fetch(`${url}${path}`, { method, headers, body });
  if (!response.headers.get("content-type")?.startsWith("text/event-stream")) await response.text();
  return response;
}

const hex = (text: string) =>
  Array.from(new TextEncoder().encode(text), (byte) => byte.toString(16).padStart(2, "0")).join("");

/** Calls every operation of every document at least once, the way their clients do. */
async function walkEveryOperation(stack: Awaited<ReturnType<typeof startWalkStack>>) {
  const { tokenServer: T, maxconf: M, pexip: P } = stack.urls;
  const tokens = new EntraAccessTokens(
    {
      authority: T,
      tenant,
      clientId,
      clientSecret,
      scope: `${audience}/.default`,
      timeoutMs: 5000,
    },
    stack.clock,
    directly,
  );
  const rooms = new MaxConfRooms({ baseUrl: M, timeoutMs: 5000 }, tokens, {
    create: directly,
    housekeeping: directly,
  });
  try {
    // Token server.
    const bearer = { authorization: `Bearer ${await tokens.get()}` };
    const form = {
      grant_type: "client_credentials",
      client_id: clientId,
      scope: `${audience}/.default`,
    };
    await send(T, "POST", `/${tenant}/oauth2/v2.0/token`, {
      form: { ...form, client_secret: "wrong" },
    });
    await send(T, "POST", "/nowhere/oauth2/v2.0/token", { form: { ...form, client_secret: "x" } });
    await send(T, "GET", `/${tenant}/discovery/v2.0/keys`);
    await send(T, "GET", `/${tenant}/v2.0/.well-known/openid-configuration`);
    await send(T, "GET", "/_sim/keys");
    await send(T, "POST", "/_sim/keys/rotate", { json: { overlapSeconds: 600 } });

    // MaxConf's rooms.
    const room = await rooms.create(hex("walk"));
    await send(M, "POST", "/room/create?uuiData=zz", { headers: bearer });
    await send(M, "POST", `/room/create?uuiData=${hex("x")}`);
    await send(M, "GET", `/room/${room.name}`, { headers: bearer });
    await send(M, "PATCH", `/room/${room.name}`, { headers: bearer, json: { tag: "https://x/y" } });
    await rooms.list();
    await send(M, "GET", "/health");
    const sink = { authorization: `Basic ${btoa(`${eventSink.username}:${eventSink.password}`)}` };
    await send(M, "POST", "/public/event_sink", {
      headers: sink,
      json: { event: "walk", data: {} },
    });
    await send(M, "POST", "/public/event_sink", { json: { event: "walk" } });

    // Pexip's client API, in the room MaxConf configured.
    const client = new PexipConferenceClient({ nodeUrl: P, alias: room.alias });
    await client.requestToken({ displayName: "Walker" }).catch(() => {});
    await client.requestToken({ displayName: "Walker", pin: "0" }).catch(() => {});
    await new PexipConferenceClient({ nodeUrl: P, alias: "nobody" })
      .requestToken({ displayName: "Walker" })
      .catch(() => {});
    const conference = `/api/client/v2/conferences/${room.alias}`;
    await send(P, "POST", `${conference}/request_token`, { json: {} });
    const joined = await client.requestToken({ displayName: "Walker", pin: room.guestPin });
    const token = { token: joined.token };
    await send(P, "GET", `${conference}/participants`, { headers: token });
    await send(P, "GET", `${conference}/conference_status`, { headers: token });
    const leaver = await new PexipConferenceClient({ nodeUrl: P, alias: room.alias }).requestToken({
      displayName: "Leaver",
      pin: room.guestPin,
    });
    await send(P, "POST", `${conference}/participants/${leaver.participantUuid}/disconnect`, {
      headers: { token: leaver.token },
    });
    const stop = new AbortController();
    for await (const event of client.events(stop.signal))
      if (event.event === "participant_sync_end") stop.abort();
    const call = await client.makeCall(createWebRtcOffer());
    await client.ack(call.callUuid);
    await client.newCandidate(call.callUuid, { candidate: "", mid: "0" });
    const callPath = `${conference}/participants/${joined.participantUuid}/calls/${call.callUuid}`;
    await send(P, "POST", `${callPath}/dtmf`, { headers: token, json: { digits: "1" } });
    await send(P, "POST", `${callPath}/update`, {
      headers: token,
      json: { sdp: createWebRtcOffer() },
    });
    await client.disconnectCall(call.callUuid);
    await client.refreshToken();
    const released = client.token ?? "";
    await client.releaseToken();
    await send(P, "POST", `${conference}/release_token`, {
      headers: { token: released },
      json: {},
    });

    // Pexip's management API.
    const admin = "/api/admin/configuration/v1/conference/";
    await send(P, "GET", `${admin}?name=${room.name}`);
    const ids: string[] = [];
    for (const name of ["walk-a", "walk-b"]) {
      const created = await send(P, "POST", admin, { json: { name, aliases: [{ alias: name }] } });
      ids.push(created.headers.get("location")?.match(/(\d+)\/$/)?.[1] ?? "");
    }
    await send(P, "POST", admin, { json: { name: "walk-a" } });
    const [a, b] = ids;
    await send(P, "GET", `${admin}${a}/`);
    await send(P, "GET", `${admin}${a}`);
    await send(P, "PATCH", `${admin}${a}/`, { json: { description: "walked" } });
    await send(P, "PATCH", `${admin}${a}`, { json: { description: "walked" } });
    await send(P, "DELETE", `${admin}${a}/`);
    await send(P, "DELETE", `${admin}${b}`);
    await send(P, "GET", `${admin}${a}/`);

    // MaxConf's deletions and bulk operations.
    await rooms.delete(room.name);
    await send(M, "DELETE", `/room/${room.name}`, { headers: bearer });
    await send(M, "POST", "/rooms/bulk", {
      headers: bearer,
      json: { count: 1, name_prefix: "test_" },
    });
    await stack.simulators.maxconf.settled();
    await send(M, "DELETE", "/rooms/bulk?name_prefix=test_", { headers: bearer });
    await send(M, "POST", "/rooms/bulk", { headers: bearer, json: { count: 0 } });

    // The control plane, on each simulator.
    for (const url of [T, M, P]) {
      await send(url, "GET", "/_sim/health");
      await send(url, "GET", "/_sim/openapi.json");
      await send(url, "GET", "/_sim/journal?method=GET&path=/&since=0");
      const fault = await fetch(`${url}/_sim/faults`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ match: { path: "/nowhere" }, times: 1 }),
      });
      const { id } = (await fault.clone().json()) as { id: string };
      await send(url, "POST", "/_sim/faults", { json: { match: {} } });
      await send(url, "GET", "/_sim/faults");
      await send(url, "DELETE", `/_sim/faults/${id}`);
      await send(url, "DELETE", `/_sim/faults/${id}`);
      await send(url, "GET", "/_sim/scenarios");
      await send(url, "POST", "/_sim/scenarios/outage");
      await send(url, "POST", "/_sim/scenarios/no-such-scenario");
      await send(url, "DELETE", "/_sim/scenarios");
      await send(url, "DELETE", "/_sim/faults");
      await send(url, "DELETE", "/_sim/journal");
      await send(url, "POST", "/_sim/reset");
    }
  } finally {
    await Promise.all([rooms.close(), tokens.close()]);
  }
}

describe("answers of the simulators", () => {
  it("every documented operation, called: each answer's status and JSON body fit", async () => {
    const stack = await startWalkStack();
    try {
      await walkEveryOperation(stack);
      const problems: string[] = [];
      for (const name of SIMULATORS) {
        const checker = new OpenApiChecker(await servedDocument(stack.urls[name]));
        const answers = stack.answers.filter((answer) => answer.simulator === name);
        const walked = new Set(answers.map((a) => checker.operationOf(a.method, a.path)));
        const missed = checker.operations().filter((operation) => !walked.has(operation));
        problems.push(...missed.map((operation) => `${name}: ${operation} was not called`));
        for (const { method, path, status, contentType, body } of answers) {
          problems.push(...checker.response(method, path, status, contentType, body));
        }
      }
      expect(problems).toEqual([]);
    } finally {
      await stack.close();
    }
  });
});
