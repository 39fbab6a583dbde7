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

export const connections = 32;

/** One autocannon run against a server in another process. */
export async function load(options: Options): Promise<Run> {
  const latencies: number[] = [];
  const startedAt = performance.now();
  let lastAnswerAt = startedAt;
  const instance = autocannon({ connections, timeout: 30, ...options });
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
  const statuses: Record<string, number> = {};
  for (const run of runs) {
    for (const [status, count] of Object.entries(run.statuses)) {
      statuses[status] = (statuses[status] ?? 0) + count;
    }
  }
  return summary({
    latencies: runs.flatMap((run) => run.latencies),
    seconds: runs.reduce((sum, run) => sum + run.seconds, 0),
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
