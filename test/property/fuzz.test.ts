import { join } from "node:path";
import Database from "better-sqlite3";
import fc from "fast-check";
import { exportJWK, generateKeyPair, importJWK, SignJWT } from "jose";
import { afterAll, beforeAll, describe, it, vi } from "vitest";
import { signDeviceToken } from "../../apps/shared/dev-device.ts";
import { startTestStack, type TestStack } from "../support/stack.ts";
import { type RawResponse, sendRaw } from "./raw-http.ts";
import {
  type FuzzRequest,
  framingAbuse,
  fuzzRequest,
  type Rendered,
  render,
  type TokenName,
  tokenNames,
  type World,
} from "./requests.ts";

/**
 * The quality bar "Bad input": thousands of generated requests to every endpoint, over real
 * sockets. For each one: no answer ≥ 500; every error is problem+json whose status is the HTTP
 * status; a refused request writes nothing (database, MaxConf's rooms), not even after its answer;
 * a success shows a device only its own sessions; the service logs no error (a bug's sign).
 * FUZZ_RUNS sets the number of requests (default 2000), FUZZ_SEED the seed.
 */
const runs = Number(process.env.FUZZ_RUNS ?? 2000);
const seed = Number(process.env.FUZZ_SEED ?? 20261125);
const framingRuns = Math.round(runs * 0.15);
const generalRuns = runs - framingRuns;
const timeout = (numRuns: number) => Math.max(60_000, numRuns * 50);
const seededDevices = ["fuzz-device-0", "fuzz-device-1", "fuzz-device-2"];

/** Statements prepared once: the fuzz reads the database around every request. */
const statements = new Map<string, Database.Statement>();
function sql(db: Database.Database, text: string): Database.Statement {
  let statement = statements.get(text);
  if (!statement) {
    statement = db.prepare(text);
    statements.set(text, statement);
  }
  return statement;
}

describe("fuzz: bad input on every endpoint", () => {
  let stack: TestStack;
  let db: Database.Database;
  let world: World;
  let port: number;

  beforeAll(async () => {
    // A limit no fuzz reaches: the validators are under test here, not the limiter.
    stack = await startTestStack({ configure: () => ({ RATE_LIMIT_PER_MINUTE: "100000000" }) });
    port = Number(new URL(stack.urls.api).port);
    db = new Database(join(stack.dataDir, "video-api.db"), { readonly: true, fileMustExist: true });
    const tokens = await prepareTokens(stack);
    world = {
      port,
      sessionsOf: (device) => sessionsOf(db, device),
      token: (name) => tokens[name],
      claimsOf: (name) => claimsOf(stack, name),
    };
    await seedSessions(stack, db);
  });
  afterAll(async () => {
    db?.close();
    await stack?.close();
  });

  it(
    `${generalRuns} requests to every endpoint`,
    async () => {
      const seen = await fuzz(fuzzRequest, generalRuns);
      // The generator reaches every layer: auth, routing, validation, the statecharts, the writes.
      for (const status of [200, 400, 401, 404, 409, 413, 415]) {
        if (!seen.has(status)) throw new Error(`no ${status} among ${JSON.stringify([...seen])}`);
      }
      if (!seen.has(201) && !seen.has(204)) throw new Error("no write succeeded");
    },
    timeout(generalRuns),
  );

  it(
    `${framingRuns} requests whose body framing lies`,
    async () => {
      await fuzz(framingAbuse, framingRuns);
    },
    timeout(framingRuns),
  );

  /** Sends each generated request and checks the properties; how often each status came back. */
  async function fuzz(requests: fc.Arbitrary<FuzzRequest>, numRuns: number) {
    const seen = new Map<number | undefined, number>();
    const recent: string[] = [];
    const logged = captureErrorLogs(stack);
    let afterRefusal: string | undefined;
    let previousPassed = true;
    const loggedSince = () => {
      const lines = logged.take();
      return lines.length
        ? `logged an error:\n${lines.join("\n")}\nafter:\n${recent.join("\n")}`
        : undefined;
    };
    try {
      await fc.assert(
        fc.asyncProperty(requests, async (spec) => {
          // What a failed run (while shrinking) left behind is not this request's doing.
          if (!previousPassed) {
            logged.take();
            afterRefusal = undefined;
          }
          previousPassed = false;
          const rendered = render(spec, world);
          const before = fingerprint(db, stack);
          const late = loggedSince();
          if (late) throw new Error(late);
          // A refusal must not write later either, after its answer.
          if (afterRefusal !== undefined && before !== afterRefusal) {
            const changes = diff(afterRefusal, before);
            throw new Error(
              `the state changed after a refused request:\n${recent.join("\n")}\n${changes}`,
            );
          }
          afterRefusal = undefined;

          const response = await sendRaw(port, rendered.request);
          seen.set(response?.status, (seen.get(response?.status) ?? 0) + 1);
          recent.push(
            `${rendered.request.method} ${rendered.request.target} → ${response?.status}`,
          );
          if (recent.length > 3) recent.shift();
          const log = loggedSince();
          const failure = judge(rendered, response) ?? leaks(db, rendered, response) ?? log;
          if (failure) throw new Error(`${failure}\n${describeExchange(rendered, response)}`);

          if (response && response.status < 400) await settle(db, stack);
          else {
            // Refused, by the app or by Node: nothing written, now or later.
            const after = fingerprint(db, stack);
            if (after !== before) {
              const exchange = describeExchange(rendered, response);
              throw new Error(
                `a refused request changed the state:\n${diff(before, after)}\n${exchange}`,
              );
            }
            afterRefusal = after;
          }
          previousPassed = true;
        }),
        { numRuns, seed },
      );
    } finally {
      logged.restore();
    }
    return seen;
  }
});

/** What the service logs as errors (through its logger, or the console), as text. */
function captureErrorLogs(stack: TestStack) {
  const spies = [
    vi.spyOn(stack.service.logger, "error").mockImplementation(() => {}),
    vi.spyOn(console, "error").mockImplementation(() => {}),
  ];
  return {
    take: () =>
      spies.flatMap((spy) =>
        spy.mock.calls.splice(0).map((args) => args.map((arg) => describeValue(arg)).join(" ")),
      ),
    restore: () => {
      for (const spy of spies) spy.mockRestore();
    },
  };
}

const describeValue = (value: unknown) =>
  typeof value === "string"
    ? value
    : value instanceof Error
      ? String(value)
      : JSON.stringify(value);

/** What is wrong with the answer to this request, if anything. */
function judge(rendered: Rendered, response: RawResponse | undefined): string | undefined {
  if (!response) {
    return rendered.transportRisk ? undefined : "the server hung up without answering";
  }
  const { status, headers, body } = response;
  if (status >= 500) return `answered ${status}`;
  if (status < 400) return undefined;
  const type = headers["content-type"] ?? "";
  if (!type.startsWith("application/problem+json")) {
    return `a ${status} that is not problem+json (${type})`;
  }
  if (rendered.request.method === "HEAD") {
    return body.length === 0 ? undefined : "a HEAD answer with a body";
  }
  let problem: unknown;
  try {
    problem = JSON.parse(body.toString("utf8"));
  } catch {
    return "a problem+json body that is not JSON";
  }
  const { type: kind, title, status: inBody } = (problem ?? {}) as Record<string, unknown>;
  if (typeof kind !== "string" || typeof title !== "string") return "a problem without type/title";
  if (inBody !== status)
    return `a problem whose status ${String(inBody)} is not the HTTP ${status}`;
  const { detail } = problem as { detail?: unknown };
  if (rendered.routed && status === 404 && String(detail).startsWith("No route")) {
    return "no route for a method and path of the API";
  }
  return undefined;
}

/** A success may only show the caller's own sessions, and only to good credentials. */
function leaks(
  db: Database.Database,
  rendered: Rendered,
  response: RawResponse | undefined,
): string | undefined {
  if (!response || response.status >= 300) return undefined;
  if (!response.headers["content-type"]?.startsWith("application/json")) return undefined;
  if (rendered.request.method === "HEAD" || response.body.length === 0) return undefined;
  const data = JSON.parse(response.body.toString("utf8")) as Record<string, unknown>;
  if ("openapi" in data) return undefined;
  const identity = rendered.identity;
  if (!identity) return `a ${response.status} with data for credentials the service must refuse`;
  if (typeof data.session_id === "string") {
    const owner = sql(db, "SELECT client_id, device_code FROM sessions WHERE id = ?").get(
      data.session_id,
    ) as { client_id: string; device_code: string } | undefined;
    if (owner?.client_id !== identity.clientId || owner.device_code !== identity.deviceCode) {
      return `session ${data.session_id} shown to a device that does not own it`;
    }
  }
  return undefined;
}

/**
 * Everything a request could write: SQLite's data_version (it moves on any commit by the
 * service), the row count of every table, each seeded device's newest session and its calls in
 * full, MaxConf's rooms.
 */
/**
 * The state a refusal must not touch. The evidence of a request (its row in its session's
 * timeline, a staff read) is kept for support, as its log line is: it is not the state.
 */
const evidence = ["session_timeline", "ops_reads"];

function fingerprint(db: Database.Database, stack: TestStack): string {
  const tables = (
    sql(db, "SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name")
      .pluck()
      .all() as string[]
  ).filter((table) => !evidence.includes(table));
  const counts = tables.map((table) => sql(db, `SELECT count(*) FROM "${table}"`).pluck().get());
  const newest =
    "SELECT max(rowid) FROM sessions WHERE device_code IN (?, ?, ?) GROUP BY device_code";
  const sessions = sql(db, `SELECT * FROM sessions WHERE rowid IN (${newest}) ORDER BY id`).all(
    ...seededDevices,
  );
  const calls = sql(
    db,
    `SELECT * FROM calls WHERE session_id IN (SELECT id FROM sessions WHERE rowid IN (${newest}))
     ORDER BY call_id`,
  ).all(...seededDevices);
  const rooms = stack.simulators.maxconf
    .rooms()
    .map((room) => room.name)
    .sort();
  return JSON.stringify({ counts: { tables, counts }, rooms, sessions, calls });
}

/** The parts of two fingerprints that differ. */
function diff(before: string, after: string): string {
  const a = JSON.parse(before) as Record<string, unknown>;
  const b = JSON.parse(after) as Record<string, unknown>;
  return Object.keys(b)
    .filter((key) => JSON.stringify(a[key]) !== JSON.stringify(b[key]))
    .map((key) => `${key}:\n  before ${JSON.stringify(a[key])}\n  after  ${JSON.stringify(b[key])}`)
    .join("\n");
}

function describeExchange(rendered: Rendered, response: RawResponse | undefined): string {
  const { method, target, headers, body } = rendered.request;
  const shown = (text: string) => (text.length > 600 ? `${text.slice(0, 600)}…` : text);
  const head = [`${method} ${target}`, ...headers.map(([name, value]) => `${name}: ${value}`)];
  const answer = response
    ? [`${response.status} ${JSON.stringify(response.headers)}`, shown(response.body.toString())]
    : ["(no answer)"];
  const sent = shown(body?.toString("latin1") ?? "");
  return ["--- request", shown(head.join("\n")), "", sent, "--- answer", ...answer].join("\n");
}

/**
 * After a success: let the background work it caused finish (room deletions reach MaxConf), and
 * give every seeded device a live session again, so later requests reach deep into the handlers.
 */
async function settle(db: Database.Database, stack: TestStack): Promise<void> {
  await stack.service.backgroundIdle();
  const pending = sql(db, "SELECT count(*) FROM room_deletions WHERE delivered_at IS NULL").pluck();
  for (let waited = 0; (pending.get() as number) > 0; waited += 5) {
    if (waited > 5_000) throw new Error("room deletions stay undelivered");
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
  await stack.simulators.maxconf.settled();
  for (const deviceCode of seededDevices) {
    const live = sql(
      db,
      `SELECT 1 FROM sessions
       WHERE device_code = ? AND state IN ('session_granted', 'session_started')`,
    ).get(deviceCode);
    if (!live) await createSession(stack, deviceCode);
  }
}

async function createSession(stack: TestStack, deviceCode: string): Promise<string> {
  const device = stack.asDevice(deviceCode);
  const created = await device.call("POST", "/video/v2/sessions", {
    client_id: device.clientId,
    device_code: deviceCode,
  });
  if (created.status !== 201) throw new Error(`seeding ${deviceCode}: ${created.status}`);
  return String(created.body?.session_id);
}

/** Device 0: started, a call live and one ended; 1: granted; 2: one ended and a new one. */
async function seedSessions(stack: TestStack, db: Database.Database): Promise<void> {
  const [first, second, third] = seededDevices.map((code) => stack.asDevice(code)) as [
    ReturnType<TestStack["asDevice"]>,
    ReturnType<TestStack["asDevice"]>,
    ReturnType<TestStack["asDevice"]>,
  ];
  const started = await createSession(stack, first.deviceCode);
  const steps: [ReturnType<TestStack["asDevice"]>, string, string, unknown][] = [
    [first, "PUT", `/video/v2/sessions/${started}`, { status: "started" }],
    [
      first,
      "POST",
      `/video/v2/sessions/${started}/calls`,
      { client_call_id: "call-1", status: "call_ringing" },
    ],
    [first, "PUT", `/video/v2/sessions/${started}/calls/call-1`, { status: "call_ended" }],
    [
      first,
      "POST",
      `/video/v2/sessions/${started}/calls`,
      { client_call_id: "call-2", status: "call_in_call" },
    ],
  ];
  await createSession(stack, second.deviceCode);
  const ended = await createSession(stack, third.deviceCode);
  steps.push([third, "DELETE", `/video/v2/sessions/${ended}`, undefined]);
  for (const [device, method, path, body] of steps) {
    const answer = await device.call(method, path, body);
    if (answer.status >= 300) throw new Error(`seeding ${method} ${path}: ${answer.status}`);
  }
  await settle(db, stack);
}

/** A device's newest sessions (insertion order: the clock stands still) and their call ids. */
function sessionsOf(
  db: Database.Database,
  device: 0 | 1 | 2 | 3,
): { id: string; callIds: string[] }[] {
  const code = seededDevices[device];
  // Index 3: the sessions of every other device (made by the fuzz with other good tokens).
  const ids = (
    code
      ? sql(db, "SELECT id FROM sessions WHERE device_code = ? ORDER BY rowid DESC LIMIT 6")
          .pluck()
          .all(code)
      : sql(
          db,
          `SELECT id FROM sessions WHERE device_code NOT IN (?, ?, ?)
             ORDER BY rowid DESC LIMIT 6`,
        )
          .pluck()
          .all(...seededDevices)
  ) as string[];
  const callIds = sql(
    db,
    "SELECT client_call_id FROM calls WHERE session_id = ? ORDER BY rowid DESC LIMIT 5",
  ).pluck();
  return ids.map((id) => ({ id, callIds: callIds.all(id) as string[] }));
}

const longDeviceCode = `fuzz-long-${"L".repeat(3_000)}`;
const accepted: Partial<Record<TokenName, string>> = {
  "device:0": seededDevices[0],
  "device:1": seededDevices[1],
  "device:2": seededDevices[2],
  stranger: "fuzz-stranger",
  "unicode-device": "fuzz-ünï-𝕏",
  "long-device": longDeviceCode,
  "future-exp": "fuzz-expiring",
};

function claimsOf(stack: TestStack, name: TokenName) {
  const deviceCode = accepted[name];
  return deviceCode ? { clientId: stack.device.clientId, deviceCode } : undefined;
}

/** Good tokens for several devices, and every way a token can be refused. */
async function prepareTokens(stack: TestStack): Promise<Record<TokenName, string>> {
  const { device, clock } = stack;
  const key = await importJWK(device.privateJwk, "RS512");
  const header = { alg: "RS512", kid: device.kid, typ: "JWT" };
  const now = Math.floor(clock.now() / 1000);
  const sign = (claims: Record<string, unknown>, signWith = key) =>
    new SignJWT(claims).setProtectedHeader(header).sign(signWith);
  const claims = (deviceCode: unknown) => ({ client_id: device.clientId, device_code: deviceCode });
  const other = await generateKeyPair("RS512", { extractable: true });
  const otherKey = await importJWK(await exportJWK(other.privateKey), "RS512");
  const encoded = (part: object) => Buffer.from(JSON.stringify(part)).toString("base64url");
  const unsigned = (head: object, body: object) => `${encoded(head)}.${encoded(body)}.`;
  const good = await signDeviceToken(device, seededDevices[0] as string);
  const [goodHead, , goodSignature] = good.split(".");
  const tokens: Record<TokenName, string> = {
    "device:0": good,
    "device:1": await signDeviceToken(device, seededDevices[1] as string),
    "device:2": await signDeviceToken(device, seededDevices[2] as string),
    stranger: await signDeviceToken(device, "fuzz-stranger"),
    "unicode-device": await sign(claims("fuzz-ünï-𝕏")),
    "long-device": await sign(claims(longDeviceCode)),
    "future-exp": await sign({ ...claims("fuzz-expiring"), exp: now + 86_400 }),
    expired: await sign({ ...claims(seededDevices[0]), exp: now - 60 }),
    "not-yet-valid": await sign({ ...claims(seededDevices[0]), nbf: now + 3_600 }),
    "unknown-client": await sign({ client_id: "someone-else", device_code: seededDevices[0] }),
    "other-key": await sign(claims(seededDevices[0]), otherKey),
    "alg-none": unsigned({ alg: "none", kid: device.kid }, claims(seededDevices[0])),
    hs256: await new SignJWT(claims(seededDevices[0]))
      .setProtectedHeader({ alg: "HS256", kid: device.kid })
      .sign(new TextEncoder().encode(JSON.stringify(device.privateJwk.n))),
    "no-device-code": await sign({ client_id: device.clientId }),
    "empty-device-code": await sign(claims("")),
    "numeric-device-code": await sign(claims(42)),
    "object-client-id": await sign({ client_id: { a: 1 }, device_code: seededDevices[0] }),
    tampered: `${goodHead}.${encoded(claims(seededDevices[1]))}.${goodSignature}`,
    truncated: good.slice(0, -10),
    "two-parts": good.split(".").slice(0, 2).join("."),
  };
  for (const name of tokenNames) if (!tokens[name]) throw new Error(`no token ${name}`);
  return tokens;
}
