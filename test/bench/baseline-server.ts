import { randomBytes } from "node:crypto";
import { serve } from "@hono/node-server";
import Database from "better-sqlite3";
import { Hono } from "hono";
import pg from "pg";
import { Pool } from "undici";
import type { SqlDatabase } from "../../adapters/sqlite/database.ts";
import { accessToken } from "./api-client.ts";

/**
 * The benchmark's baselines, in a process of their own: the least a server must do for each
 * measured path, written straight, with no auth, validation, statechart, policies or logging.
 * - POST /create: one keep-alive call to MaxConf's /room/create + one insert + JSON;
 * - PUT /calls/:id: one insert + JSON.
 * The same store as the service it is measured against: SQLite with the service's settings (WAL,
 * the same PRAGMA synchronous), or PostgreSQL (DATABASE_URL) through a pool the size of the
 * service's; and the same upstream connection pool (undici, 16 keep-alive connections).
 */
const env = (name: string): string => {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is required`);
  return value;
};
const sessionsTable = `CREATE TABLE IF NOT EXISTS sessions (id TEXT PRIMARY KEY,
  device_code TEXT NOT NULL, room_name TEXT NOT NULL, guest_pin TEXT NOT NULL,
  created_at BIGINT NOT NULL)`;

interface Inserts {
  session(id: string, deviceCode: string, room: string, pin: string, at: number): Promise<void>;
  callEvent(callId: string, status: string, at: number): Promise<void>;
}

async function postgres(url: string): Promise<Inserts> {
  const db = new pg.Pool({ connectionString: url, max: 10 });
  await db.query(sessionsTable);
  await db.query(`CREATE TABLE IF NOT EXISTS call_events (id BIGINT GENERATED ALWAYS AS IDENTITY
    PRIMARY KEY, call_id TEXT NOT NULL, status TEXT NOT NULL, at BIGINT NOT NULL)`);
  return {
    session: async (...values) => {
      await db.query({
        name: "session",
        text: "INSERT INTO sessions VALUES ($1, $2, $3, $4, $5)",
        values,
      });
    },
    callEvent: async (...values) => {
      await db.query({
        name: "call-event",
        text: "INSERT INTO call_events (call_id, status, at) VALUES ($1, $2, $3)",
        values,
      });
    },
  };
}

function sqlite(path: string): Inserts {
  const db = new Database(path) as unknown as SqlDatabase;
  // The straight line: the connection's own flush level, its fsync on the event loop.
  db.exec("PRAGMA journal_mode = WAL");
  db.exec(`PRAGMA synchronous = ${env("SQLITE_SYNCHRONOUS") === "NORMAL" ? "NORMAL" : "FULL"}`);
  db.exec(sessionsTable);
  db.exec(`CREATE TABLE IF NOT EXISTS call_events (id INTEGER PRIMARY KEY, call_id TEXT NOT NULL,
    status TEXT NOT NULL, at INTEGER NOT NULL)`);
  const session = db.prepare("INSERT INTO sessions VALUES (?, ?, ?, ?, ?)");
  const callEvent = db.prepare("INSERT INTO call_events (call_id, status, at) VALUES (?, ?, ?)");
  return {
    session: async (...values) => void session.run(...values),
    callEvent: async (...values) => void callEvent.run(...values),
  };
}

const insert = process.env.DATABASE_URL
  ? await postgres(process.env.DATABASE_URL)
  : sqlite(env("DATABASE_PATH"));
const maxconf = new URL(env("MAXCONF_URL"));
const pool = new Pool(maxconf.origin, { connections: 16, pipelining: 1 });
// Fetched once at start: the service caches its token too.
const bearer = `Bearer ${await accessToken(env("TOKEN_URL"), {
  clientId: env("ENTRA_CLIENT_ID"),
  clientSecret: env("ENTRA_CLIENT_SECRET"),
  scope: env("ENTRA_SCOPE"),
})}`;

const app = new Hono();
app.get("/ready", (c) => c.text("ok"));
app.post("/create", async (c) => {
  const { device_code: deviceCode } = await c.req.json<{ device_code: string }>();
  const id = randomBytes(20).toString("base64url");
  const response = await pool.request({
    method: "POST",
    path: `/room/create?uuiData=${Buffer.from(id).toString("hex")}`,
    headers: { authorization: bearer },
  });
  const room = (await response.body.json()) as { name: string; guest_pin: string };
  await insert.session(id, deviceCode, room.name, room.guest_pin, Date.now());
  return c.json({ id, room: room.name, guest_pin: room.guest_pin }, 201);
});
app.put("/calls/:id", async (c) => {
  const { status } = await c.req.json<{ status: string }>();
  await insert.callEvent(c.req.param("id"), status, Date.now());
  return c.json({ client_call_id: c.req.param("id"), status }, 200);
});

serve({ fetch: app.fetch, port: Number(env("PORT")), hostname: "127.0.0.1" });
