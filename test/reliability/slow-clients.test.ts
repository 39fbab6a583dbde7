import type { ChildProcess } from "node:child_process";
import { mkdtempSync, readFileSync } from "node:fs";
import { request } from "node:http";
import { connect, type Socket } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { bundleService } from "../../apps/api/build.ts";
import { type DevDevice, ensureDevDevice, signDeviceToken } from "../../apps/shared/dev-device.ts";
import {
  audience,
  clientId,
  clientSecret,
  startWiredStack,
  tenant,
  type WiredStack,
} from "../simulators/wired-stack.ts";
import { startServiceProcess } from "../support/service-process.ts";

const openFileLimit = 1024;
const slowSockets = 1200;
const dribblers = 100;
const legitimateRequests = 100;

/**
 * One host holds more slow connections than the service has file descriptors: half-sent headers,
 * and bodies dribbled a byte at a time behind a valid device token. New legitimate requests, a
 * health check and creates through the simulated upstreams, are still answered.
 */
describe("slow clients: more held connections than the service has file descriptors", () => {
  const dataDir = mkdtempSync(join(tmpdir(), "bcsc-slow-clients-"));
  let upstreams: WiredStack;
  let device: DevDevice;
  let service: ChildProcess | undefined;
  let serviceUrl: URL;

  beforeAll(async () => {
    upstreams = await startWiredStack();
    device = await ensureDevDevice(dataDir, "slow-clients-app");
    const started = await startServiceProcess(
      await bundleService(),
      {
        PORT: "0",
        LOG_LEVEL: "warn",
        DATABASE_PATH: join(dataDir, "video-api.db"),
        ENTRA_AUTHORITY: upstreams.urls.tokenServer,
        ENTRA_TENANT: tenant,
        ENTRA_CLIENT_ID: clientId,
        ENTRA_CLIENT_SECRET: clientSecret,
        ENTRA_SCOPE: `${audience}/.default`,
        MAXCONF_URL: upstreams.urls.maxconf,
        BCSC_CLIENT_KEYS_FILE: device.keysFile,
        DESTINATION_HOST: new URL(upstreams.urls.pexip).host,
        RATE_LIMIT_PER_MINUTE: "100000",
        // One client plays every installation here.
        CLIENT_MAX_LIVE_SESSIONS: "100000",
      },
      { fileLimit: openFileLimit },
    );
    service = started.process;
    serviceUrl = new URL(started.url);
  });
  afterAll(async () => {
    service?.kill("SIGKILL");
    await upstreams?.close();
  });

  it("answers new legitimate requests while 1,200 slow connections are held", async () => {
    expect(readFileSync(`/proc/${service?.pid}/limits`, "utf8")).toMatch(
      new RegExp(`Max open files\\s+${openFileLimit}\\s`),
    );
    const port = Number(serviceUrl.port);
    const held: SlowSocket[] = [];
    const dribbleToken = await signDeviceToken(device, "slow-dribbler");
    const dribbling = setInterval(() => {
      for (const socket of held.slice(0, dribblers)) if (socket.writable) socket.write("a");
    }, 200);
    try {
      // Oldest of all, and never closed to make room: their requests are being handled.
      for (let i = 0; i < dribblers; i++) {
        held.push(
          await slowSocket(
            port,
            `POST /video/v2/sessions HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer ${dribbleToken}\r\n` +
              "Content-Type: application/json\r\nContent-Length: 200\r\n\r\n",
          ),
        );
      }
      while (held.length < slowSockets) held.push(await slowSocket(port, halfSentHeaders));

      let answered = 0;
      let next = 0;
      const legitimate = async () => {
        while (next < legitimateRequests) {
          const n = next++;
          // The attack goes on: a new slow connection before each legitimate one.
          held.push(await slowSocket(port, halfSentHeaders));
          const status = n % 5 === 0 ? await create(`slow-clients-${n}`) : await get("/healthz");
          if (status === (n % 5 === 0 ? 201 : 200)) answered++;
        }
      };
      await Promise.all([legitimate(), legitimate(), legitimate(), legitimate()]);

      const halfSentClosed = held.slice(dribblers).filter((socket) => socket.destroyed).length;
      expect(
        answered / legitimateRequests,
        `${answered} of ${legitimateRequests} answered; ${halfSentClosed} half-sent closed`,
      ).toBeGreaterThanOrEqual(0.95);
      // Every dribbler is still being read (or, had the test outlived the request timeout, was
      // answered 408): none was closed to make room.
      for (const socket of held.slice(0, dribblers)) {
        expect(!socket.destroyed || socket.answer.startsWith("HTTP/1.1 408 ")).toBe(true);
      }
    } finally {
      clearInterval(dribbling);
      for (const socket of held) socket.destroy();
    }
  }, 60_000);

  const halfSentHeaders = "GET /healthz HTTP/1.1\r\nHost: x\r\nX-Slow: ";

  /** A legitimate request on a connection of its own; its status, or 0 if never answered. */
  const send = (method: string, path: string, headers: Record<string, string>, body = "") =>
    new Promise<number>((resolve) => {
      const outgoing = request(serviceUrl, {
        method,
        path,
        headers,
        agent: false,
        timeout: 10_000,
      });
      outgoing.on("response", (response) => {
        response.resume();
        resolve(response.statusCode ?? 0);
      });
      outgoing.on("timeout", () => outgoing.destroy());
      outgoing.on("error", () => resolve(0));
      outgoing.end(body);
    });
  const get = (path: string) => send("GET", path, {});
  const create = async (deviceCode: string) =>
    send(
      "POST",
      "/video/v2/sessions",
      {
        authorization: `Bearer ${await signDeviceToken(device, deviceCode)}`,
        "content-type": "application/json",
      },
      JSON.stringify({ client_id: device.clientId, device_code: deviceCode }),
    );
});

/** A connection that sends some bytes and then holds on; what it is answered is kept. */
type SlowSocket = Socket & { answer: string };

function slowSocket(port: number, bytes: string): Promise<SlowSocket> {
  const socket = Object.assign(connect(port, "127.0.0.1"), { answer: "" });
  socket.on("data", (chunk) => {
    socket.answer += chunk;
  });
  socket.on("error", () => {}); // closed by the service to make room
  return new Promise((resolve) => {
    socket.once("connect", () => {
      socket.write(bytes);
      resolve(socket);
    });
    socket.once("close", () => resolve(socket));
  });
}
