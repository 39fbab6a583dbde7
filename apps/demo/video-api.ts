import { z } from "zod";
import { callStatuses, sessionStatuses } from "../../core/model.ts";

const sessionStatus = z.enum(sessionStatuses);
const callStatus = z.enum(callStatuses);

const epochSeconds = z.number().int().nonnegative();

// Room fields are null or absent when no room was made (session_not_granted, session_failed).
const videoSession = z.object({
  session_id: z.string().min(1),
  client_id: z.string(),
  device_code: z.string(),
  status: sessionStatus,
  status_date: epochSeconds,
  created_date: epochSeconds,
  destination_host: z.string().nullish(),
  room_name: z.string().nullish(),
  room_alias: z.string().nullish(),
  guest_pin: z.string().nullish(),
  // 0 once the session no longer waits for an agent.
  queue_position: z.number().int().nonnegative().nullish(),
  reason: z.string().optional(),
});

const videoCall = z.object({
  session_id: z.string().min(1),
  call_id: z.string().min(1),
  client_call_id: z.string().min(1),
  status: callStatus,
  status_date: epochSeconds,
});

export type VideoSession = z.infer<typeof videoSession>;
export type VideoCall = z.infer<typeof videoCall>;
export type CallStatus = z.infer<typeof callStatus>;

/** An error answer of the Video API, with its problem+json details when it sent them. */
export class VideoApiError extends Error {
  override name = "VideoApiError";
  constructor(
    readonly request: string,
    readonly status: number,
    readonly problem: unknown,
  ) {
    super(`${request} answered ${status}${describeProblem(problem)}`);
  }
}

export interface VideoApiOptions {
  /** The stack's origin, e.g. "http://localhost:8080"; the API lives under /video. */
  api: string;
  /** Returns the Authorization header value, e.g. "Bearer <device JWT>". */
  authorization?: () => Promise<string>;
  fetch?: typeof fetch;
}

/** The calls the mobile app makes to the BCSC Video API v2. */
export class VideoApiClient {
  readonly #baseUrl: string;
  readonly #authorization: (() => Promise<string>) | undefined;
  readonly #fetch: typeof fetch;

  constructor(options: VideoApiOptions) {
    this.#baseUrl = `${options.api.replace(/\/+$/, "")}/video/v2`;
    this.#authorization = options.authorization;
    this.#fetch = options.fetch ?? fetch;
  }

  /** `created` is false when the device already had a live session (200 instead of 201). */
  async createSession(device: {
    clientId: string;
    deviceCode: string;
  }): Promise<{ session: VideoSession; created: boolean }> {
    const body = { client_id: device.clientId, device_code: device.deviceCode };
    const { status, answer } = await this.#send("POST", "/sessions", body, videoSession);
    return { session: answer, created: status === 201 };
  }

  async updateSession(sessionId: string, status: "started" | "ended"): Promise<VideoSession> {
    const path = `/sessions/${encodeURIComponent(sessionId)}`;
    return (await this.#send("PUT", path, { status }, videoSession)).answer;
  }

  /** The seed's call status report: updates the call named by `clientCallId`, making it if new. */
  async reportCall(
    sessionId: string,
    call: { clientCallId: string; status: CallStatus },
  ): Promise<VideoCall> {
    const path = `/sessions/${encodeURIComponent(sessionId)}/calls`;
    const body = { session_id: sessionId, client_call_id: call.clientCallId, status: call.status };
    return (await this.#send("PUT", path, body, videoCall)).answer;
  }

  async #send<Answer>(
    method: string,
    path: string,
    body: unknown,
    schema: z.ZodType<Answer>,
  ): Promise<{ status: number; answer: Answer }> {
    const request = `${method} /video/v2${path}`;
    const headers: Record<string, string> = {
      accept: "application/json, application/problem+json",
      "content-type": "application/json",
    };
    if (this.#authorization) headers.authorization = await this.#authorization();
    const response = await this.#fetch(this.#baseUrl + path, {
      method,
      headers,
      body: JSON.stringify(body),
    });
    const text = await response.text();
    const received = parseJsonOrKeep(text);
    if (!response.ok) throw new VideoApiError(request, response.status, received);
    const parsed = schema.safeParse(received);
    if (!parsed.success) {
      throw new Error(`${request} answered an unexpected body: ${z.prettifyError(parsed.error)}`);
    }
    return { status: response.status, answer: parsed.data };
  }
}

function parseJsonOrKeep(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

function describeProblem(problem: unknown): string {
  if (typeof problem === "string") return problem ? `: ${problem.slice(0, 200)}` : "";
  if (typeof problem !== "object" || problem === null) return "";
  const { title, detail } = problem as { title?: unknown; detail?: unknown };
  const parts = [title, detail].filter((part) => typeof part === "string" && part !== "");
  return parts.length > 0 ? `: ${parts.join(" — ")}` : "";
}
