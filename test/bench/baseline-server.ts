import { randomBytes } from "node:crypto";
import { serve } from "@hono/node-server";
import Database from "better-sqlite3";
import { Hono } from "hono";
import { Pool } from "undici";
import { applyDurabilitySettings, type SqlDatabase } from "../../adapters/sqlite/database.ts";
import { accessToken } from "./api-client.ts";

/**
 * The benchmark's baselines, in a process of their own: the least a server must do for each
 * measured path, written straight, with no auth, validation, statechart, policies or logging.
 * - POST /create: one keep-alive call to MaxConf's /room/create + one SQLite insert + JSON;
 * - PUT /calls/:id: one SQLite insert + JSON.
 * Same SQLite settings as the service (WAL, the same PRAGMA synchronous) and the same upstream
 * connection pool (undici, 16 keep-alive connections).
 */
const env = (name: string): string => {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is required`);
  return value;
};
const db = new Database(env("DATABASE_PATH")) as unknown as SqlDatabase;
applyDurabilitySettings(db, env("SQLITE_SYNCHRONOUS") === "NORMAL" ? "NORMAL" : "FULL");
db.exec(`CREATE TABLE IF NOT EXISTS sessions (id TEXT PRIMARY KEY, device_code TEXT NOT NULL,
  room_name TEXT NOT NULL, guest_pin TEXT NOT NULL, created_at INTEGER NOT NULL)`);
db.exec(`CREATE TABLE IF NOT EXISTS call_events (id INTEGER PRIMARY KEY, call_id TEXT NOT NULL,
  status TEXT NOT NULL, at INTEGER NOT NULL)`);
const insertSession = db.prepare("INSERT INTO sessions VALUES (?, ?, ?, ?, ?)");
const insertCallEvent = db.prepare(
  "INSERT INTO call_events (call_id, status, at) VALUES (?, ?, ?)",
);

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
  insertSession.run(id, deviceCode, room.name, room.guest_pin, Date.now());
  return c.json({ id, room: room.name, guest_pin: room.guest_pin }, 201);
});
app.put("/calls/:id", async (c) => {
  const { status } = await c.req.json<{ status: string }>();
  insertCallEvent.run(c.req.param("id"), status, Date.now());
  return c.json({ client_call_id: c.req.param("id"), status }, 200);
});

serve({ fetch: app.fetch, port: Number(env("PORT")), hostname: "127.0.0.1" });
