import type { DevDevice } from "../../apps/shared/dev-device.ts";
import { accessToken, call, sessionsPath } from "./api-client.ts";
import { startBenchPostgres } from "./bench-postgres.ts";
import {
  benchStaff,
  type Service,
  type ServiceOptions,
  type Simulators,
  startService,
  startSimulators,
} from "./bench-stack.ts";
import { benchClientId, signDeviceTokens } from "./device-tokens.ts";
import { createRequests, load, type Run } from "./load.ts";
import type { Row } from "./report.ts";
import {
  plannedRows,
  postgresDatabase,
  type ServiceDatabase,
  sqliteDatabase,
  type TimelineRow,
} from "./timeline-fill.ts";

const liveSessions = 10_000;
const timelineRows = 1_000_000;
/**
 * Sessions in a long call (40 hours of keep-alives, one every 30 s), read as a figure of their
 * own, by one reader: a timeline this long is opened for a ticket, not by every console at once.
 */
const longCalls = { sessions: 8, rows: 5_000 };
/** The rows' times go back this far, well within the service's retention (90 days). */
const historyDays = 7;
/** A few staff at their consoles, each reading page after page. */
const staff = 8;
const warmUpSeconds = 2;
const runSeconds = 4;
const bar = 100;

export interface OpsSetup {
  dir: string;
  device: DevDevice;
  serviceOptions: (name: string) => Omit<ServiceOptions, "waitFor">;
  progress: (message: string) => void;
}

interface OpsStore {
  label: string;
  ids: { list: string; timeline: string };
  options: Omit<ServiceOptions, "waitFor">;
  database: ServiceDatabase;
}

/**
 * Rows 8a-8d: the support staff's session list and a session's timeline, on SQLite and on
 * PostgreSQL, with 10,000 live sessions made through the API and 1,000,000 timeline rows.
 */
export async function opsReadRows(setup: OpsSetup): Promise<Row[]> {
  const sims = await startSimulators(setup.dir, "simulators-ops");
  const postgres = await startBenchPostgres();
  try {
    const sqlite = setup.serviceOptions("ops-sqlite");
    const url = await postgres.database("ops");
    const onPostgres = { ...setup.serviceOptions("ops-postgres"), databaseUrl: url };
    const stores: OpsStore[] = [
      {
        label: "SQLite",
        ids: { list: "8a", timeline: "8b" },
        options: sqlite,
        database: sqliteDatabase(sqlite.databasePath),
      },
      {
        label: "PostgreSQL",
        ids: { list: "8c", timeline: "8d" },
        options: onPostgres,
        database: postgresDatabase(url),
      },
    ];
    const rows: Row[] = [];
    for (const store of stores) rows.push(...(await readsOn(store, sims, setup)));
    return rows;
  } finally {
    await sims.child.stop();
    await postgres.stop();
  }
}

async function readsOn(store: OpsStore, sims: Simulators, setup: OpsSetup): Promise<Row[]> {
  const { progress } = setup;
  progress(`${store.label}: ${count(liveSessions)} live sessions`);
  let service = await startService(sims, store.options);
  const token = await accessToken(`${sims.tokenServer}${sims.tokenPath}`, {
    ...benchStaff,
    scope: `${benchStaff.audience}/.default`,
  });
  try {
    await createSessions(service, setup.device);
    const inCall = await recordOneCall(service, setup.device);
    const listed = await listAll(service, token);
    await service.child.stop();

    const filled = await fillTimelines(store, listed, inCall, progress);
    service = await startService(sims, store.options);
    progress(`${store.label}: the session list and searches`);
    const lists = await measureEach(service, token, staff, listQueries(listed, filled.requestIds));
    progress(`${store.label}: timelines`);
    const timelines = {
      ...(await measureEach(service, token, staff, {
        "random session": shuffled(listed.sessions.map((s) => timelinePath(s.session_id))),
      })),
      ...(await measureEach(service, token, 1, {
        [`${count(longCalls.rows)}-row call, one reader`]: filled.longCalls.map(timelinePath),
      })),
    };
    const volume = `${count(listed.live)} live sessions, ${count(filled.rows)} timeline rows`;
    return [
      worstRow(store.ids.list, `Ops session list and searches p99 (${store.label})`, lists, volume),
      worstRow(store.ids.timeline, `Ops session timeline p99 (${store.label})`, timelines, volume),
    ];
  } finally {
    await service.child.stop();
  }
}

/**
 * Adds rows to the stopped service's timelines until it holds `timelineRows`: the newest sessions
 * in a long call, the others alike, all in a call with keep-alives, spread over the past days.
 */
async function fillTimelines(
  store: OpsStore,
  listed: Listed,
  inCall: string,
  progress: (message: string) => void,
) {
  const stored = await store.database.timelineRows();
  progress(`${store.label}: timeline rows ${count(stored)} → ${count(timelineRows)}`);
  const [ringing, keepAlive] = await callRecords(store.database, inCall);
  const long = listed.sessions.slice(0, longCalls.sessions).map((s) => s.session_id);
  const others = listed.sessions.length - long.length;
  const perSession = spread(timelineRows - stored - long.length * longCalls.rows, others);
  const to = Date.now();
  const requestIds: string[] = [];
  const plan = {
    sessions: listed.sessions.map((s, i) => ({
      id: s.session_id,
      rows: i < long.length ? longCalls.rows : perSession(i - long.length),
    })),
    ringing,
    keepAlive,
    from: to - historyDays * 86_400_000,
    to,
  };
  await store.database.fill(sampled(plannedRows(plan), requestIds));
  return { longCalls: long, requestIds, rows: await store.database.timelineRows() };
}

const count = (n: number) => n.toLocaleString("en-US");

/** The live sessions, made through the API as the memory rows make them. */
async function createSessions(service: Service, device: DevDevice) {
  const tokens = await signDeviceTokens(device, "ops", liveSessions);
  const made = await load({
    url: service.url,
    amount: liveSessions,
    requests: createRequests(tokens, benchClientId, sessionsPath),
  });
  if (made.failures > 0) throw new Error(`creates failed: ${JSON.stringify(made.statuses)}`);
}

/** One session through a call's start and a keep-alive: the service records both requests. */
async function recordOneCall(service: Service, device: DevDevice): Promise<string> {
  const [app] = await signDeviceTokens(device, "ops-call", 1);
  if (!app) throw new Error("no device token");
  const created = await call(`${service.url}${sessionsPath}`, "POST", app.token, {
    client_id: benchClientId,
    device_code: app.deviceCode,
  });
  const calls = `${service.url}${sessionsPath}/${created.body.session_id}/calls`;
  await call(calls, "POST", app.token, { client_call_id: "call-1", status: "call_ringing" });
  const kept = await call(`${calls}/call-1`, "PUT", app.token, { status: "call_in_call" });
  if (kept.status !== 200) throw new Error(`call setup failed: ${JSON.stringify(kept)}`);
  return String(created.body.session_id);
}

/** The call's ringing (POST) and keep-alive (PUT) records, as the service stored them. */
async function callRecords(database: ServiceDatabase, sessionId: string) {
  const records = await database.records(sessionId);
  const request = (method: string) => {
    const found = records.find((r) => r.method === method && String(r.route).includes("/calls"));
    if (!found) throw new Error(`no ${method} call request in ${JSON.stringify(records)}`);
    return found;
  };
  return [request("POST"), request("PUT")] as const;
}

interface Listed {
  sessions: { session_id: string; room_name: string | null; created_date: number }[];
  /** The cursors of every page. */
  cursors: string[];
  live: number;
}

/** Every session, page after page, as the console would list them. */
async function listAll(service: Service, token: string): Promise<Listed> {
  const listed: Listed = { sessions: [], cursors: [], live: 0 };
  let after = "";
  for (;;) {
    const page = await call(`${service.url}/ops/v2/sessions?limit=200${after}`, "GET", token);
    if (page.status !== 200) throw new Error(`list: ${JSON.stringify(page)}`);
    listed.sessions.push(...(page.body.sessions as Listed["sessions"]));
    const counts = page.body.counts as Record<string, number>;
    listed.live = (counts.session_granted ?? 0) + (counts.session_started ?? 0);
    if (typeof page.body.next !== "string") return listed;
    listed.cursors.push(page.body.next);
    after = `&after=${page.body.next}`;
  }
}

/** What staff ask for: the live list first, then a search by each filter ops.ts offers. */
function listQueries(listed: Listed, requestIds: string[]): Record<string, string[]> {
  const list = "/ops/v2/sessions";
  const iso = (seconds: number) => encodeURIComponent(new Date(seconds * 1000).toISOString());
  return {
    "live page": [`${list}?live=true&limit=50`],
    "next page": shuffled(listed.cursors.map((cursor) => `${list}?live=true&after=${cursor}`)),
    "request id": requestIds.map((id) => `${list}?request_id=${id}`),
    room: shuffled(
      listed.sessions.flatMap((s) => (s.room_name ? [`${list}?room_name=${s.room_name}`] : [])),
    ),
    "1-s window": shuffled(
      listed.sessions.map(
        (s) => `${list}?from=${iso(s.created_date)}&to=${iso(s.created_date + 1)}`,
      ),
    ),
  };
}

const timelinePath = (id: string) => `/ops/v2/sessions/${id}/timeline`;

/** Each kind of read, cycling through its paths: warmed up together, then measured one by one. */
async function measureEach(
  service: Service,
  token: string,
  connections: number,
  kinds: Record<string, string[]>,
): Promise<Record<string, Run>> {
  const reads = (paths: string[], seconds: number) => {
    let turn = 0;
    return load({
      url: service.url,
      connections,
      duration: seconds,
      headers: { authorization: `Bearer ${token}` },
      requests: [
        { method: "GET", setupRequest: (r) => ({ ...r, path: paths[turn++ % paths.length] }) },
      ],
    });
  };
  await reads(Object.values(kinds).flat(), warmUpSeconds);
  const runs: Record<string, Run> = {};
  for (const [kind, paths] of Object.entries(kinds)) {
    const run = await reads(paths, runSeconds);
    if (run.failures > 0) throw new Error(`${kind}: ${JSON.stringify(run.statuses)}`);
    runs[kind] = run;
  }
  return runs;
}

/** A row held to the slowest kind of read: each must answer within the bar. */
function worstRow(id: string, name: string, runs: Record<string, Run>, volume: string): Row {
  const each = Object.entries(runs)
    .map(([kind, run]) => `${kind} ${ms(run.p50)}/${ms(run.p99)} (${Math.round(run.rps)}/s)`)
    .join(", ");
  return {
    id,
    name,
    value: Math.max(...Object.values(runs).map((run) => run.p99)),
    unit: "ms",
    target: { op: "<", value: bar },
    detail: `p50/p99 ms (req/s), ${staff} connections unless said: ${each}; ${volume}`,
  };
}

const ms = (value: number) => value.toFixed(1);

/** `total` rows over `count` sessions, as evenly as whole rows go. */
function spread(total: number, count: number): (index: number) => number {
  const each = Math.floor(total / count);
  const extra = total - each * count;
  return (index) => each + (index < extra ? 1 : 0);
}

/** Passes the rows on, keeping every thousandth request id for the searches. */
function* sampled(rows: Iterable<TimelineRow>, requestIds: string[]): Generator<TimelineRow> {
  let count = 0;
  for (const row of rows) {
    if (row.requestId && count++ % 1000 === 0) requestIds.push(row.requestId);
    yield row;
  }
}

function shuffled<T>(items: T[]): T[] {
  const copy = [...items];
  for (let i = copy.length - 1; i > 0; i--) {
    const j = Math.floor(Math.random() * (i + 1));
    [copy[i], copy[j]] = [copy[j] as T, copy[i] as T];
  }
  return copy;
}
