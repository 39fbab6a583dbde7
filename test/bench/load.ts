import autocannon, { type Options } from "autocannon";

/** What one or more load runs measured. */
export interface LoadResult {
  requests: number;
  seconds: number;
  /** Successful (2xx) answers per second. */
  rps: number;
  /** Latency percentiles in ms, from every answer's own time (autocannon's histogram is whole ms). */
  p50: number;
  p99: number;
  /** Connection errors, timeouts and non-2xx answers: a run with any is not a clean measurement. */
  failures: number;
  statuses: Record<string, number>;
}

export interface Run extends LoadResult {
  successes: number;
  latencies: number[];
}

/** How the comparison rows take turns: warm-ups first, then rounds of each side in turn. */
export interface Timing {
  rounds: number;
  roundSeconds: number;
  warmUpSeconds: number;
  /** Creates warm up longer, at this rate (main.ts says why). */
  createWarmUp: { seconds: number; perSecond: number };
}

export const connections = 32;
/** Devices in the call-update rows, taking turns: many more than requests in flight. */
export const callSessions = 8 * connections;

/** One autocannon run against a server in another process; `until` ends it early. */
export async function load(options: Options, until?: AbortSignal): Promise<Run> {
  const latencies: number[] = [];
  const startedAt = performance.now();
  let lastAnswerAt = startedAt;
  const instance = autocannon({ connections, timeout: 30, ...options });
  until?.addEventListener("abort", () => instance.stop(), { once: true });
  instance.on("response", (_client, _status, _bytes, ms) => {
    latencies.push(ms);
    lastAnswerAt = performance.now();
  });
  const result = await instance;
  const statuses = Object.fromEntries(
    Object.entries(result.statusCodeStats).map(([status, { count }]) => [status, count]),
  );
  return summary({
    latencies,
    // Up to the last answer: autocannon ends a run with a fixed number of requests only at its
    // next one-second tick, and reports that.
    seconds: (lastAnswerAt - startedAt) / 1000,
    successes: result["2xx"],
    failures: result.errors + result.timeouts + result.non2xx,
    statuses,
  });
}

/** Several runs of the same subject as one: totals over total time, percentiles over all answers. */
export function combine(runs: Run[]): Run {
  const seconds = runs.reduce((sum, run) => sum + run.seconds, 0);
  return merged(runs, seconds);
}

/** Runs started at the same moment (one per replica) as one: totals over the longest one's time. */
export function together(runs: Run[]): Run {
  return merged(runs, Math.max(0, ...runs.map((run) => run.seconds)));
}

function merged(runs: Run[], seconds: number): Run {
  const statuses: Record<string, number> = {};
  for (const run of runs) {
    for (const [status, count] of Object.entries(run.statuses)) {
      statuses[status] = (statuses[status] ?? 0) + count;
    }
  }
  return summary({
    latencies: runs.flatMap((run) => run.latencies),
    seconds,
    successes: runs.reduce((sum, run) => sum + run.successes, 0),
    failures: runs.reduce((sum, run) => sum + run.failures, 0),
    statuses,
  });
}

function summary(run: Omit<Run, "requests" | "rps" | "p50" | "p99">): Run {
  const sorted = [...run.latencies].sort((a, b) => a - b);
  const at = (fraction: number) =>
    sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * fraction))] ?? Number.NaN;
  return {
    ...run,
    requests: sorted.length,
    rps: run.seconds > 0 ? run.successes / run.seconds : 0,
    p50: at(0.5),
    p99: at(0.99),
  };
}

/** Drops the raw latencies, for the results file. */
export const reported = ({ latencies: _, successes: __, ...result }: Run): LoadResult => result;

/**
 * One create per device token, in order, so that every request is a new device's first create
 * (a repeat would be answered from the device's session). Run them with `amount` at most the
 * number of tokens: a run that stops by duration goes on sending for a while after its end.
 */
export function createRequests(
  tokens: { deviceCode: string; token: string }[],
  clientId: string,
  path: string,
): Options["requests"] {
  let next = 0;
  return [
    {
      method: "POST",
      path,
      setupRequest: (request) => {
        const device = tokens[next++];
        if (!device) throw new Error(`more creates than the ${tokens.length} device tokens`);
        return {
          ...request,
          headers: { "content-type": "application/json", authorization: `Bearer ${device.token}` },
          body: JSON.stringify({ client_id: clientId, device_code: device.deviceCode }),
        };
      },
    },
  ];
}

/**
 * The keep-alive (call_in_call again) on each call in turn, so that the requests in flight are for
 * different sessions, as they would be from many phones.
 */
export function keepAliveRequests(calls: { path: string; token: string }[]): Options["requests"] {
  const body = JSON.stringify({ status: "call_in_call" });
  let turn = 0;
  return [
    {
      setupRequest: (request) => {
        const { path, token } = calls[turn++ % calls.length] as (typeof calls)[number];
        return {
          ...request,
          method: "PUT",
          path,
          headers: { "content-type": "application/json", authorization: `Bearer ${token}` },
          body,
        };
      },
    },
  ];
}
