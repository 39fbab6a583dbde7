import type { Entry, RequestEntry, StatusEntry, UpstreamEntry } from "./wire.ts";

/** The seed's participants, left to right; Pexip is seen only through what the app reports. */
export const participants = [
  { id: "app", name: "BCSC Mobile App" },
  { id: "api", name: "BCSC Video API" },
  { id: "token-server", name: "Token Server" },
  { id: "maxconf", name: "MaxConf API" },
  { id: "pexip", name: "Pexip (as the app reports)" },
] as const;
export type Participant = (typeof participants)[number]["id"];

/** One line of the diagram: an arrow between two participants, or a note on the API. */
export interface Step {
  seq: number;
  /** When it happened (ISO): a request's or call's start, its answer's end. */
  at: string;
  from: Participant;
  /** A note has no `to`. */
  to?: Participant;
  /** What the seed would write on it: "POST /video/v2/sessions", "201", "call_ringing". */
  label: string;
  /** Latency, attempt, cause: what makes it this one. */
  detail: string;
  answer: boolean;
  failed: boolean;
}

/** How the seed names the operations the API's records call "token", "room create"… */
const upstreamCalls: Record<string, string> = {
  token: "POST /{tenant}/oauth2/v2.0/token",
  "room create": "POST /room/create",
  "room delete": "DELETE /room/{name}",
};

const endOf = (at: string, ms: number) => new Date(Date.parse(at) + ms).toISOString();

/**
 * The timeline's rows as the seed's sequence: each request of the app's with, between its arrow
 * and its answer, the upstream calls it made and the statuses it caused; a call status the app
 * reported comes just before the request that reported it; what no request caused (the outbox,
 * reconciliation, the background jobs) stands at its own time.
 */
export function sequenceOf(entries: Entry[]): Step[] {
  const requests = entries.filter((e): e is RequestEntry => e.kind === "request");
  const statuses = entries.filter((e): e is StatusEntry => e.kind === "status");
  const upstream = entries.filter((e): e is UpstreamEntry => e.kind === "upstream");
  const byId = new Map(requests.map((r) => [r.requestId, r]));
  const causedBy = statusCauses(requests, statuses);
  const blocks: { at: string; seq: number; steps: Step[] }[] = [];

  for (const request of requests) {
    const own = statuses.filter((s) => causedBy.get(s.seq) === request);
    const calls = upstream.filter((u) => u.requestId === request.requestId);
    const during = calls.filter((u) => u.cause === "request");
    blocks.push({
      at: request.at,
      seq: request.seq,
      steps: [
        ...own.filter(reportedByApp).map(reportedCall),
        requestArrow(request),
        ...own.filter((s) => !reportedByApp(s) && s.actor !== "system").map(note),
        ...during.sort(byAnswer).flatMap(upstreamArrows),
        ...own.filter((s) => s.actor === "system").map(note),
        answerArrow(request),
        ...calls.filter((u) => u.cause !== "request").flatMap(upstreamArrows),
      ],
    });
  }
  for (const u of upstream.filter((u) => !u.requestId || !byId.has(u.requestId))) {
    blocks.push({ at: u.at, seq: u.seq, steps: upstreamArrows(u) });
  }
  for (const s of statuses.filter((s) => !causedBy.has(s.seq))) {
    blocks.push({ at: s.at, seq: s.seq, steps: [reportedByApp(s) ? reportedCall(s) : note(s)] });
  }
  return blocks
    .sort((a, b) => Date.parse(a.at) - Date.parse(b.at) || a.seq - b.seq)
    .flatMap((block) => block.steps);
}

/**
 * Which request caused each status (rows carry no request id): the app's own statuses go, in
 * order, to the next request of the kind that makes them whose span holds them; the system's
 * follow from the request before them, if it was still running. Under a clock that stands still
 * (the test stack's) every span holds every status, and the order alone decides.
 */
function statusCauses(requests: RequestEntry[], statuses: StatusEntry[]) {
  const causes = new Map<number, RequestEntry>();
  const taken = new Set<RequestEntry>();
  let last: RequestEntry | undefined;
  for (const status of statuses) {
    const followsLast = status.actor === "system" && last && holds(last, status);
    const cause = followsLast
      ? last
      : requests.find((r) => !taken.has(r) && makes(r, status) && holds(r, status));
    if (!cause) continue;
    if (!followsLast) taken.add(cause);
    causes.set(status.seq, cause);
    last = cause;
  }
  return causes;
}

/** A refused request (4xx) changed nothing; a failed create (5xx) did fail its session. */
const makes = (request: RequestEntry, status: StatusEntry) =>
  (request.status < 400 || request.status >= 500) &&
  request.route.includes("/calls") === (status.subject === "call");
/** The request's span, to its rounded millisecond. */
const holds = (request: RequestEntry, status: StatusEntry) => {
  const start = Date.parse(request.at);
  const at = Date.parse(status.at);
  return start <= at && at <= start + request.ms + 1;
};
const reportedByApp = (status: StatusEntry) =>
  status.subject === "call" && status.actor !== "system";
/**
 * In the order they answered. At one instant (a clock that stands still, as the test stack's),
 * the token a MaxConf call needed first, then earlier attempts, then the shorter (it ran inside
 * the other): the durations are real, the instants not.
 */
const byAnswer = (a: UpstreamEntry, b: UpstreamEntry) =>
  Date.parse(endOf(a.at, a.ms)) - Date.parse(endOf(b.at, b.ms)) ||
  Number(b.upstream === "token-server") - Number(a.upstream === "token-server") ||
  a.attempt - b.attempt ||
  a.ms - b.ms;

function requestArrow(request: RequestEntry): Step {
  const route = request.route.replace(/:(\w+)/g, "{$1}");
  const step = { seq: request.seq, at: request.at, answer: false, failed: false, detail: "" };
  return { ...step, from: "app", to: "api", label: `${request.method} ${route}` };
}

function answerArrow(request: RequestEntry): Step {
  const problem = request.problem?.split("/").at(-1);
  return {
    seq: request.seq,
    at: endOf(request.at, request.ms),
    from: "api",
    to: "app",
    label: String(request.status),
    detail: [problem, `${request.ms} ms`].filter(Boolean).join(" · "),
    answer: true,
    failed: request.status >= 400,
  };
}

function upstreamArrows(call: UpstreamEntry): Step[] {
  const why = call.cause === "request" ? undefined : `by the ${call.cause}`;
  const detail = [call.attempt > 1 ? `attempt ${call.attempt}` : undefined, why];
  const common = { seq: call.seq, failed: false };
  return [
    {
      ...common,
      at: call.at,
      from: "api",
      to: call.upstream,
      label: upstreamCalls[call.operation] ?? call.operation,
      detail: detail.filter(Boolean).join(" · "),
      answer: false,
    },
    {
      ...common,
      at: endOf(call.at, call.ms),
      from: call.upstream,
      to: "api",
      label: String(call.outcome),
      detail: `${call.ms} ms`,
      answer: true,
      failed: !succeeded(call),
    },
  ];
}

/** 2xx, or a deletion's 404 (MaxConf had deleted the room already), as the verdict counts it. */
export const succeeded = (call: UpstreamEntry) =>
  typeof call.outcome === "number" &&
  (call.outcome < 300 || (call.operation === "room delete" && call.outcome === 404));

const reportedCall = (status: StatusEntry): Step => ({
  seq: status.seq,
  at: status.at,
  from: "pexip",
  to: "app",
  label: status.status,
  detail: "",
  answer: true,
  failed: status.status === "call_dropped" || status.status === "call_error",
});

const note = (status: StatusEntry): Step => ({
  seq: status.seq,
  at: status.at,
  from: "api",
  label: status.status,
  detail: status.actor === "system" ? "system" : "",
  answer: false,
  failed: status.status === "session_failed",
});
