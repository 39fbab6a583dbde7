import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { bundleService } from "../../apps/api/build.ts";
import { metric, sessionsPath } from "./api-client.ts";
import { type Service, startService, startSimulators } from "./bench-stack.ts";
import { benchClientId, benchDevice, signDeviceTokens } from "./device-tokens.ts";
import { residentBytes } from "./processes.ts";
import { format, lineChart, type Row, table, verdict, writeResults } from "./report.ts";

/**
 * `npm run soak`: SOAK_MINUTES (default 10) of mixed traffic against the service, as the app
 * sends it: each of a few devices creates a session, reads it, reports a call, keeps the call
 * alive, ends the session, and starts over. The service's resident memory is sampled every 10 s;
 * it passes when memory is flat: less than 10% growth over the second half.
 */
const minutes = Number(process.env.SOAK_MINUTES ?? 10);
if (!(minutes > 0)) throw new Error(`SOAK_MINUTES must be a positive number, got ${minutes}`);
const devices = 16;
const keepAlivesPerCall = 5;
/** Each device pauses between requests: a steady load, not a saturating one. */
const pauseMs = 10;
const sampleEveryMs = 10_000;
const sqliteSynchronous = process.env.BENCH_SQLITE_SYNCHRONOUS === "NORMAL" ? "NORMAL" : "FULL";

const dir = mkdtempSync(join(tmpdir(), "bcsc-soak-"));
const progress = (message: string) => console.error(`[soak] ${message}`);
const simulators = await startSimulators(dir);
let service: Service | undefined;
try {
  const device = await benchDevice(dir);
  service = await startService(simulators, {
    entry: await bundleService(),
    synchronous: sqliteSynchronous,
    databasePath: join(dir, "service.db"),
    keysFile: device.keysFile,
    logFile: join(dir, "service.log"),
    videoConfigFile: new URL("../../apps/api/default-video-config.json", import.meta.url).pathname,
  });
  const tokens = await signDeviceTokens(device, "soak", devices);
  progress(`${minutes} min of mixed traffic from ${devices} devices; working in ${dir}`);
  const outcome = await soak(service, tokens);
  const rows = report(outcome);
  process.stdout.write(`\n${table(rows)}`);
  const files = writeResults(
    "soak",
    rows,
    {
      minutes,
      devices,
      sqliteSynchronous,
      samples: outcome.samples,
      requests: outcome.requests,
      unexpected: outcome.unexpected,
    },
    (title) =>
      lineChart(
        `${title}: resident memory of the service`,
        "MB",
        outcome.samples.map(({ seconds, bytes }) => ({ seconds, value: bytes / 2 ** 20 })),
      ),
  );
  console.log(`\nResults: ${files.json}\nChart:   ${files.svg}`);
  await service.child.stop();
  await simulators.child.stop();
  rmSync(dir, { recursive: true, force: true });
  if (rows.some((row) => !verdict(row).pass)) process.exitCode = 1;
} catch (error) {
  await service?.child.stop();
  await simulators.child.stop();
  console.error(`soak failed; logs kept in ${dir}`);
  throw error;
}

interface Outcome {
  samples: { seconds: number; bytes: number; heapBytes: number; heapTotalBytes: number }[];
  requests: Record<string, number>;
  /** The first few answers that were not what the app expects, and how many there were. */
  unexpected: string[];
  unexpectedCount: number;
}

async function soak(service: Service, tokens: { deviceCode: string; token: string }[]) {
  const requests: Record<string, number> = {};
  const unexpected: string[] = [];
  let unexpectedCount = 0;
  const started = performance.now();
  const endsAt = started + minutes * 60_000;
  const send = async (
    token: string,
    method: string,
    path: string,
    expected: number,
    body?: unknown,
  ): Promise<Record<string, unknown>> => {
    const response = await fetch(`${service.url}${path}`, {
      method,
      headers: {
        authorization: `Bearer ${token}`,
        ...(body === undefined ? {} : { "content-type": "application/json" }),
      },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await response.text();
    const what = `${method} ${path.replace(/\/sessions\/[^/]+/, "/sessions/{id}")}`;
    requests[what] = (requests[what] ?? 0) + 1;
    if (response.status !== expected) {
      unexpectedCount++;
      if (unexpected.length < 20)
        unexpected.push(`${what} → ${response.status} ${text.slice(0, 200)}`);
    }
    await new Promise((resolve) => setTimeout(resolve, pauseMs));
    return text ? (JSON.parse(text) as Record<string, unknown>) : {};
  };
  /** One device, over and over: the app's flow, from a new session to its end. */
  const app = async ({ deviceCode, token }: { deviceCode: string; token: string }) => {
    while (performance.now() < endsAt) {
      const session = await send(token, "POST", sessionsPath, 201, {
        client_id: benchClientId,
        device_code: deviceCode,
      });
      const path = `${sessionsPath}/${session.session_id}`;
      await send(token, "GET", path, 200);
      await send(token, "POST", `${path}/calls`, 201, {
        client_call_id: "call-1",
        status: "call_ringing",
      });
      for (let i = 0; i < keepAlivesPerCall; i++) {
        await send(token, "PUT", `${path}/calls/call-1`, 200, { status: "call_in_call" });
      }
      await send(token, "PUT", path, 200, { status: "ended" });
    }
  };
  const samples: Outcome["samples"] = [];
  const sample = async () => {
    const seconds = Math.round((performance.now() - started) / 1000);
    const bytes = residentBytes(service.child.pid);
    // The JS heap beside it tells a leak in our objects from memory V8 or a native part keeps.
    const [heapBytes, heapTotalBytes] = await Promise.all([
      metric(service.url, "nodejs_heap_size_used_bytes"),
      metric(service.url, "nodejs_heap_size_total_bytes"),
    ]);
    samples.push({ seconds, bytes, heapBytes, heapTotalBytes });
    const mb = (value: number) => format(value / 2 ** 20, "MB");
    progress(
      `${seconds} s: ${mb(bytes)} resident; JS heap ${mb(heapBytes)} of ${mb(heapTotalBytes)}`,
    );
  };
  await sample();
  const sampler = setInterval(() => void sample(), sampleEveryMs);
  try {
    await Promise.all(tokens.map(app));
  } finally {
    clearInterval(sampler);
  }
  await sample();
  return { samples, requests, unexpected, unexpectedCount } satisfies Outcome;
}

function report({ samples, requests, unexpected, unexpectedCount }: Outcome): Row[] {
  const mb = (bytes: number) => format(bytes / 2 ** 20, "MB");
  const values = samples.map((sample) => sample.bytes);
  // Around the half and at the end, the mean of three samples: one GC can move a single one.
  const mean = (from: number) => {
    const window = values.slice(Math.max(0, from), Math.max(0, from) + 3);
    return window.reduce((sum, value) => sum + value, 0) / Math.max(1, window.length);
  };
  const half = mean(Math.floor(values.length / 2) - 1);
  const end = mean(values.length - 3);
  const total = Object.values(requests).reduce((sum, count) => sum + count, 0);
  const seconds = samples.at(-1)?.seconds ?? 0;
  const slope = format(slopePerMinute(samples) / 2 ** 20, "MB/min");
  return [
    {
      id: "S1",
      name: "Resident memory growth over the second half",
      value: ((end - half) / half) * 100,
      unit: "%",
      target: { op: "<", value: 10 },
      detail: `${mb(half)} at the half, ${mb(end)} at the end; first ${mb(values[0] ?? 0)}, last ${mb(values.at(-1) ?? 0)}, max ${mb(Math.max(...values))}; trend ${slope} (${samples.length} samples)`,
    },
    {
      id: "S2",
      name: "Answers other than the expected status",
      value: unexpectedCount,
      unit: "",
      target: { op: "==", value: 0 },
      detail: `${total.toLocaleString("en-US")} requests in ${seconds} s (${Math.round(total / Math.max(1, seconds))} req/s)${unexpected[0] ? `; first: ${unexpected[0]}` : ""}`,
    },
  ];
}

/** Bytes per minute, fitted over all samples. */
function slopePerMinute(samples: { seconds: number; bytes: number }[]): number {
  const n = samples.length;
  if (n < 2) return 0;
  const meanX = samples.reduce((sum, s) => sum + s.seconds, 0) / n;
  const meanY = samples.reduce((sum, s) => sum + s.bytes, 0) / n;
  let covariance = 0;
  let variance = 0;
  for (const { seconds, bytes } of samples) {
    covariance += (seconds - meanX) * (bytes - meanY);
    variance += (seconds - meanX) ** 2;
  }
  return variance === 0 ? 0 : (covariance / variance) * 60;
}
