import { Pool } from "undici";
import { z } from "zod";
import {
  type CallPolicies,
  UpstreamError,
  upstreamRefusal,
  upstreamUnreachable,
} from "../../core/errors.ts";
import type { RoomAssignment } from "../../core/model.ts";
import type { AccessTokens, Rooms } from "../../core/ports.ts";

export interface MaxConfSettings {
  baseUrl: string;
  timeoutMs: number;
  /** Headers for each call made on behalf of the current request (its x-request-id). */
  contextHeaders: () => Record<string, string>;
}

const roomAnswer = z.object({
  name: z.string().min(1),
  guest_pin: z.union([z.string(), z.number()]).transform(String),
  aliases: z.array(z.object({ alias: z.string().min(1) })).min(1),
});
const roomList = z.array(z.object({ name: z.string() }));

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
    private readonly policies: CallPolicies,
  ) {
    const url = new URL(settings.baseUrl);
    this.pool = new Pool(url.origin, { connections: 16, pipelining: 1 });
    this.basePath = url.pathname.replace(/\/$/, "");
  }

  /** Not idempotent (each create pops a room), so it is repeated only when MaxConf did not act. */
  create(uuiData: string): Promise<RoomAssignment> {
    return this.policies.nonIdempotent.run(() => this.createOnce(uuiData));
  }

  delete(roomName: string): Promise<void> {
    return this.policies.idempotent.run(() => this.deleteOnce(roomName));
  }

  list(): Promise<string[]> {
    return this.policies.idempotent.run(() => this.listOnce());
  }

  private async createOnce(uuiData: string): Promise<RoomAssignment> {
    const answer = await this.send("POST", `/room/create?uuiData=${encodeURIComponent(uuiData)}`);
    if (answer.status !== 200) throw failure(answer);
    const room = roomAnswer.safeParse(parseJson(answer.text));
    if (!room.success)
      throw new UpstreamError("maxconf", "bad_answer", "room create answered without a room");
    const alias = room.data.aliases[0]?.alias ?? room.data.name;
    return { name: room.data.name, alias, guestPin: room.data.guest_pin };
  }

  private async deleteOnce(roomName: string): Promise<void> {
    const answer = await this.send("DELETE", `/room/${encodeURIComponent(roomName)}`);
    // 404: MaxConf already deleted it (after Pexip's conference_ended) — the goal is reached.
    if (answer.status === 204 || answer.status === 200 || answer.status === 404) return;
    throw failure(answer);
  }

  private async listOnce(): Promise<string[]> {
    const answer = await this.send("GET", "/rooms");
    if (answer.status !== 200) throw failure(answer);
    const rooms = roomList.safeParse(parseJson(answer.text));
    if (!rooms.success) throw new UpstreamError("maxconf", "bad_answer", "room list is not a list");
    return rooms.data.map((room) => room.name);
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

  /** One request; a 401 means our token went bad, so it is replaced and the request sent once more. */
  private async send(method: string, path: string): Promise<Answer> {
    const token = await this.tokens.get();
    const first = await this.request(method, path, token);
    if (first.status !== 401) return first;
    this.tokens.invalidate(token);
    return this.request(method, path, await this.tokens.get());
  }

  private async request(method: string, path: string, token: string): Promise<Answer> {
    try {
      return await withTimeout(this.settings.timeoutMs, async (signal) => {
        const response = await this.pool.request({
          method,
          path: `${this.basePath}${path}`,
          headers: { ...this.settings.contextHeaders(), authorization: `Bearer ${token}` },
          signal,
        });
        return {
          status: response.statusCode,
          headers: response.headers,
          text: await response.body.text(),
        };
      });
    } catch (error) {
      throw upstreamUnreachable("maxconf", `MaxConf ${method} ${path.split("?")[0]}`, error);
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
