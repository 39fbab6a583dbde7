import { describe, expect, it } from "vitest";
import { runDemo } from "../../apps/demo/flow.ts";
import { DemoStepFailed } from "../../apps/demo/steps.ts";

type Route = (request: Request) => Response | Promise<Response>;

/** A fetch answering from routes keyed "METHOD /path"; records every request it gets. */
function fakeFetch(routes: Record<string, Route>) {
  const requests: Request[] = [];
  const fetch: typeof globalThis.fetch = async (input, init) => {
    const request = new Request(input, init);
    requests.push(request.clone());
    const { pathname } = new URL(request.url);
    const route = routes[`${request.method} ${pathname}`];
    return route ? route(request) : Response.json({ title: "Not Found" }, { status: 404 });
  };
  return {
    fetch,
    requests,
    seen: () => requests.map((r) => `${r.method} ${new URL(r.url).pathname}`),
  };
}

const SESSION_ID = "s-0123456789abcdef";
const ROOM_ALIAS = "alias-1";
const now = Math.floor(Date.now() / 1000);

function videoSession(status: string, overrides: Record<string, unknown> = {}) {
  return {
    session_id: SESSION_ID,
    client_id: "bcsc-demo-app",
    device_code: "device-1",
    destination_host: "127.0.0.1:9",
    room_name: "room-1",
    room_alias: ROOM_ALIAS,
    guest_pin: "8521",
    queue_position: 1,
    status,
    status_date: now,
    created_date: now,
    ...overrides,
  };
}

async function failureOf(promise: Promise<unknown>): Promise<DemoStepFailed> {
  const error = await promise.then(
    () => undefined,
    (rejected: unknown) => rejected,
  );
  expect(error).toBeInstanceOf(DemoStepFailed);
  return error as DemoStepFailed;
}

const API = "http://api.test";
const SESSIONS = "/video/v2/sessions";
const SESSION = `${SESSIONS}/${SESSION_ID}`;
const REQUEST_TOKEN = `/api/client/v2/conferences/${ROOM_ALIAS}/request_token`;

describe("runDemo when a step fails", () => {
  it("names the step and the network cause when nothing answers", async () => {
    const lines: string[] = [];
    const refused: typeof fetch = async () => {
      throw new TypeError("fetch failed", {
        cause: new Error("connect ECONNREFUSED 127.0.0.1:8080"),
      });
    };
    const failure = await failureOf(
      runDemo({ api: API, log: (l) => lines.push(l), fetch: refused }),
    );
    expect(failure.step).toBe("create session");
    expect(failure.message).toBe(
      "create session failed: fetch failed (connect ECONNREFUSED 127.0.0.1:8080)",
    );
    expect(lines).toEqual([expect.stringMatching(/^\[ +\d+\.\d{3}s\] ✗ create session: /)]);
  });

  it("stops at a session that was not granted, and touches nothing else", async () => {
    const notGranted = videoSession("session_not_granted", {
      room_name: null,
      room_alias: null,
      guest_pin: null,
      queue_position: 0,
      reason: "outside_service_hours",
    });
    const api = fakeFetch({
      [`POST ${SESSIONS}`]: () => Response.json(notGranted, { status: 201 }),
    });
    const failure = await failureOf(runDemo({ api: API, log: () => {}, fetch: api.fetch }));
    expect(failure.message).toBe(
      "create session failed: the session is session_not_granted (outside_service_hours)",
    );
    expect(api.seen()).toEqual([`POST ${SESSIONS}`]);
  });

  it("reports the API's problem details", async () => {
    const problem = { type: "about:blank", title: "Conflict", status: 409, detail: "is ended" };
    const api = fakeFetch({
      [`POST ${SESSIONS}`]: () => Response.json(videoSession("session_granted"), { status: 201 }),
      [`PUT ${SESSION}`]: async (request) =>
        (await request.json()).status === "started"
          ? Response.json(problem, { status: 409 })
          : Response.json(videoSession("session_ended")),
    });
    const failure = await failureOf(runDemo({ api: API, log: () => {}, fetch: api.fetch }));
    expect(failure.message).toBe(
      `start session failed: PUT ${SESSION} answered 409: Conflict — is ended`,
    );
  });

  it("ends the session it started when Pexip refuses the PIN, with the device's authorization", async () => {
    const lines: string[] = [];
    const api = fakeFetch({
      [`POST ${SESSIONS}`]: () => Response.json(videoSession("session_granted"), { status: 201 }),
      [`PUT ${SESSION}`]: async (request) => {
        const { status } = await request.json();
        return Response.json(
          videoSession(status === "started" ? "session_started" : "session_ended"),
        );
      },
      [`POST ${REQUEST_TOKEN}`]: () =>
        Response.json({ status: "success", result: "Invalid PIN" }, { status: 403 }),
    });
    const failure = await failureOf(
      runDemo({
        api: API,
        deviceCode: "device-1",
        authorization: async () => "Bearer device-jwt",
        log: (line) => lines.push(line),
        fetch: api.fetch,
      }),
    );
    expect(failure.message).toBe("join conference failed: the PIN was refused");
    expect(api.seen()).toEqual([
      `POST ${SESSIONS}`,
      `PUT ${SESSION}`,
      `POST ${REQUEST_TOKEN}`,
      `PUT ${SESSION}`,
    ]);
    const [create, start, requestToken, end] = api.requests;
    expect(await create?.json()).toEqual({ client_id: "bcsc-demo-app", device_code: "device-1" });
    expect(await end?.json()).toEqual({ status: "ended" });
    expect(requestToken?.headers.get("pin")).toBe("8521");
    expect(requestToken?.url).toBe(`https://127.0.0.1:9${REQUEST_TOKEN}`);
    for (const apiRequest of [create, start, end]) {
      expect(apiRequest?.headers.get("authorization")).toBe("Bearer device-jwt");
    }
    expect(requestToken?.headers.get("authorization")).toBeNull();
    expect(lines.at(-1)).toMatch(/cleanup: end session: done$/);
  });
});
