import type { SecureContext } from "node:tls";
import { Pool } from "undici";
import { z } from "zod";
import {
  type CallPolicy,
  type NoAnswer,
  UpstreamError,
  upstreamRefusal,
  upstreamUnreachable,
} from "../../core/errors.ts";
import type { RoomAssignment } from "../../core/model.ts";
import type {
  AccessTokens,
  ExchangeObserver,
  ListedRoom,
  OnBehalf,
  Rooms,
} from "../../core/ports.ts";

export interface MaxConfSettings {
  baseUrl: string;
  timeoutMs: number;
  /** The TLS context whose certificate authorities are trusted (default: Node's roots). */
  trust?: SecureContext;
  /** Told of each HTTP exchange with MaxConf. */
  observe?: ExchangeObserver;
}

const roomAnswer = z.object({
  name: z.string().min(1),
  guest_pin: z.union([z.string(), z.number()]).transform(String),
  aliases: z.array(z.object({ alias: z.string().min(1) })).min(1),
});
const roomList = z.array(z.object({ name: z.string(), tag: z.string().nullish() }));

/**
 * How MaxConf's calls are run. Creates are what the app waits for; deletions and listings are
 * background housekeeping, which must neither open the creates' circuit nor be stopped by it.
 */
export interface RoomPolicies {
  /** Not repeatable: each create pops a room. */
  create: CallPolicy;
  /** Repeatable: deleting or listing twice does no harm. */
  housekeeping: CallPolicy;
}

interface Answer {
  status: number;
  headers: Record<string, unknown>;
  text: string;
}

/** MaxConf's private room API, authorised with an Entra bearer token over a keep-alive pool. */
export class MaxConfRooms implements Rooms {
  private readonly pool: Pool;
  private readonly basePath: string;

  constructor(
    private readonly settings: MaxConfSettings,
    private readonly tokens: AccessTokens,
    private readonly policies: RoomPolicies,
  ) {
    const url = new URL(settings.baseUrl);
    this.pool = new Pool(url.origin, {
      connections: 16,
      pipelining: 1,
      connect: { secureContext: settings.trust },
    });
    this.basePath = url.pathname.replace(/\/$/, "");
  }

  create(uuiData: string, on?: OnBehalf): Promise<RoomAssignment> {
    const path = `/room/create?uuiData=${encodeURIComponent(uuiData)}`;
    return this.send(on, this.policies.create, "POST", path, (answer) => {
      if (answer.status !== 200) throw failure(answer);
      const room = roomAnswer.safeParse(parseJson(answer.text));
      if (!room.success)
        throw new UpstreamError("maxconf", "bad_answer", "room create answered without a room");
      const alias = room.data.aliases[0]?.alias ?? room.data.name;
      return { name: room.data.name, alias, guestPin: room.data.guest_pin };
    });
  }

  delete(roomName: string, on?: OnBehalf): Promise<void> {
    const path = `/room/${encodeURIComponent(roomName)}`;
    return this.send(on, this.policies.housekeeping, "DELETE", path, (answer) => {
      // 404: MaxConf already deleted it (after Pexip's conference_ended) — the goal is reached.
      if (answer.status === 204 || answer.status === 200 || answer.status === 404) return;
      throw failure(answer);
    });
  }

  list(): Promise<ListedRoom[]> {
    return this.send(undefined, this.policies.housekeeping, "GET", "/rooms", (answer) => {
      if (answer.status !== 200) throw failure(answer);
      const rooms = roomList.safeParse(parseJson(answer.text));
      if (!rooms.success)
        throw new UpstreamError("maxconf", "bad_answer", "room list is not a list");
      return rooms.data.map((room) => ({ name: room.name, uuiText: uuiTextOf(room.tag) }));
    });
  }

  /** Whether MaxConf answers its public health check (for readiness). */
  async reachable(): Promise<boolean> {
    try {
      return await withTimeout(this.settings.timeoutMs, async (signal) => {
        const response = await this.pool.request({
          method: "GET",
          path: `${this.basePath}/health`,
          signal,
        });
        await response.body.dump();
        return response.statusCode === 200;
      });
    } catch {
      return false;
    }
  }

  close(): Promise<void> {
    return this.pool.close();
  }

  /**
   * One operation under `policy`, for `on`; a 401 means our token went bad, so it is replaced and
   * the operation run once more. The token is had outside MaxConf's policy: a token server's
   * failure is the token server's, never counted against MaxConf.
   */
  private async send<T>(
    on: OnBehalf | undefined,
    policy: CallPolicy,
    method: string,
    path: string,
    read: (answer: Answer) => T,
  ): Promise<T> {
    let attempts = 0;
    const attempt = (token: string) =>
      policy.run(async () => {
        const answer = await this.request(on, method, path, token, ++attempts);
        return answer.status === 401 ? tokenRefused : read(answer);
      });
    const token = await this.tokens.get(on);
    const first = await attempt(token);
    if (first !== tokenRefused) return first;
    this.tokens.invalidate(token);
    const second = await attempt(await this.tokens.get(on));
    if (second !== tokenRefused) return second;
    throw new UpstreamError("maxconf", "bad_answer", "MaxConf refused a fresh token (401)");
  }

  /** One exchange, told to the observer (its operation named as on MaxConf's side: "room create"). */
  private async request(
    on: OnBehalf | undefined,
    method: string,
    path: string,
    token: string,
    attempt: number,
  ): Promise<Answer> {
    const started = performance.now();
    const told = (outcome: number | string) =>
      this.settings.observe?.(
        {
          upstream: "maxconf",
          operation: operationOf(method, path),
          outcome,
          ms: Math.round(performance.now() - started),
          attempt,
        },
        on,
      );
    try {
      const answer = await withTimeout(this.settings.timeoutMs, async (signal) => {
        const response = await this.pool.request({
          method,
          path: `${this.basePath}${path}`,
          headers: { ...requestIdHeader(on), authorization: `Bearer ${token}` },
          signal,
        });
        return {
          status: response.statusCode,
          headers: response.headers,
          text: await response.body.text(),
        };
      });
      told(answer.status);
      return answer;
    } catch (error) {
      const noAnswer = noAnswerOf(error);
      told(noAnswer.timedOut ? "timeout" : noAnswer.cause);
      throw upstreamUnreachable("maxconf", `MaxConf ${method} ${path.split("?")[0]}`, noAnswer);
    }
  }
}

/**
 * Runs `work` with a signal that aborts it after `ms`. The timer is cleared when the work ends:
 * AbortSignal.timeout's would stay alive for the whole timeout after every request.
 */
async function withTimeout<T>(ms: number, work: (signal: AbortSignal) => Promise<T>): Promise<T> {
  const controller = new AbortController();
  const timer = setTimeout(
    () => controller.abort(new DOMException(`no answer within ${ms} ms`, "TimeoutError")),
    ms,
  );
  try {
    return await work(controller.signal);
  } finally {
    clearTimeout(timer);
  }
}

const tokenRefused = Symbol("401");

/** The request the work is for, named to MaxConf as it was to us. */
const requestIdHeader = (on: OnBehalf | undefined): Record<string, string> =>
  on?.requestId ? { "x-request-id": on.requestId } : {};

const operationOf = (method: string, path: string) =>
  method === "POST" ? "room create" : method === "DELETE" ? "room delete" : `${method} ${path}`;

/**
 * MaxConf writes the decoded uuiData into the room's tag, after a base URL
 * (`https://id.gov.bc.ca/idcheck/<text>`): the last path segment. A pool room has no such tag.
 */
function uuiTextOf(tag: string | null | undefined): string | undefined {
  const text = tag?.slice(tag.lastIndexOf("/") + 1);
  if (!text) return undefined;
  try {
    return decodeURIComponent(text);
  } catch {
    return undefined;
  }
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

function failure(answer: Answer): UpstreamError {
  return upstreamRefusal(
    "maxconf",
    answer.status,
    answer.headers["retry-after"],
    `MaxConf answered ${answer.status}`,
  );
}

/** What undici tells of a request that got no answer (our AbortController's TimeoutError, say). */
type Thrown = { name?: string; code?: string; cause?: { code?: string } };

function noAnswerOf(error: unknown): NoAnswer {
  const { name, code, cause } = (error ?? {}) as Thrown;
  const timedOut =
    name === "TimeoutError" ||
    code === "UND_ERR_HEADERS_TIMEOUT" ||
    code === "UND_ERR_BODY_TIMEOUT";
  const refused = code === "ECONNREFUSED" || cause?.code === "ECONNREFUSED";
  return { timedOut, refused, cause: String(code ?? cause?.code ?? name) };
}
