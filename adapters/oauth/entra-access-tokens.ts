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
import type { AccessTokens, Clock, ExchangeObserver, OnBehalf } from "../../core/ports.ts";

export interface EntraSettings {
  /** e.g. https://login.microsoftonline.com — the tenant is appended. */
  authority: string;
  tenant: string;
  clientId: string;
  clientSecret: string;
  /** For MaxConf: api://{maxconf_app_client_id}/.default */
  scope: string;
  timeoutMs: number;
  /** The TLS context whose certificate authorities are trusted (default: Node's roots). */
  trust?: SecureContext;
  /** Told, for each caller that had to wait for a token, of the fetch it waited on. */
  observe?: ExchangeObserver;
}

interface CachedToken {
  value: string;
  /** After this the token is not handed out any more. */
  staleAt: number;
  /** After this a fresh token is fetched in the background while this one is still served. */
  refreshAt: number;
}

const tokenAnswer = z.object({
  access_token: z.string().min(1),
  expires_in: z.coerce.number().positive(),
  token_type: z.string().optional(),
});

/**
 * A token is renewed in the background 2 minutes before it expires, and no longer handed out in
 * its last minute (a margin for clock skew and for the request carrying it). Renewing earlier
 * fetches more than once per lifetime: Entra's tokens live 3599 s, and renewing 5 minutes ahead
 * (as MSAL does) makes 27 fetches a day, 2 minutes ahead 25.
 */
const refreshAheadMs = 120_000;
const expiryMarginMs = 60_000;

/**
 * Client-credentials tokens from Microsoft Entra. A token is fetched only when none is fresh;
 * concurrent callers share one fetch; it is renewed in the background shortly before it expires,
 * so that after the first, no caller waits for a fetch.
 */
export class EntraAccessTokens implements AccessTokens {
  private cached?: CachedToken;
  /** Tries the fetch under way has made. */
  private attempts = 0;
  private fetching?: Promise<CachedToken>;
  private readonly pool: Pool;
  private readonly tokenPath: string;

  constructor(
    private readonly settings: EntraSettings,
    private readonly clock: Clock,
    /** Fetching a token is safe to repeat: the idempotent policy. */
    private readonly policy: CallPolicy,
  ) {
    const url = new URL(
      `${settings.authority.replace(/\/$/, "")}/${settings.tenant}/oauth2/v2.0/token`,
    );
    this.pool = new Pool(url.origin, {
      connections: 4,
      connect: { secureContext: settings.trust },
    });
    this.tokenPath = url.pathname;
  }

  async get(on?: OnBehalf): Promise<string> {
    const now = this.clock.now();
    const cached = this.cached;
    if (cached && now < cached.staleAt) {
      // In the background, for nobody: the next get() retries.
      if (now >= cached.refreshAt) this.fetchOnce(undefined).catch(() => {});
      return cached.value;
    }
    return this.waitForFetch(on);
  }

  /** A caller with no token to use waits for the fetch; the observer is told, for each caller. */
  private async waitForFetch(on: OnBehalf | undefined): Promise<string> {
    const started = performance.now();
    const told = (outcome: number | string) =>
      this.settings.observe?.(
        {
          upstream: "token-server",
          operation: "token",
          outcome,
          ms: Math.round(performance.now() - started),
          attempt: this.attempts,
        },
        on,
      );
    try {
      const token = await this.fetchOnce(on);
      told(200);
      return token.value;
    } catch (error) {
      told(error instanceof UpstreamError ? (error.details.status ?? error.failure) : "error");
      throw error;
    }
  }

  invalidate(token: string): void {
    if (this.cached?.value === token) this.cached = undefined;
  }

  close(): Promise<void> {
    return this.pool.close();
  }

  /** The fetch under way, or a new one, which names the request of `on` (the first to ask). */
  private fetchOnce(on: OnBehalf | undefined): Promise<CachedToken> {
    if (!this.fetching) this.attempts = 0;
    this.fetching ??= this.policy
      .run(() => {
        this.attempts++;
        return this.fetchToken(on);
      })
      .finally(() => {
        this.fetching = undefined;
      });
    return this.fetching;
  }

  private async fetchToken(on: OnBehalf | undefined): Promise<CachedToken> {
    const { clientId, clientSecret, scope, timeoutMs } = this.settings;
    const body = new URLSearchParams({
      grant_type: "client_credentials",
      client_id: clientId,
      client_secret: clientSecret,
      scope,
    }).toString();
    let answer: { statusCode: number; headers: Record<string, unknown>; text: string };
    // A timer cleared at the end, where AbortSignal.timeout's would outlive the request.
    const controller = new AbortController();
    const timer = setTimeout(
      () => controller.abort(new DOMException(`no answer within ${timeoutMs} ms`, "TimeoutError")),
      timeoutMs,
    );
    try {
      const response = await this.pool.request({
        method: "POST",
        path: this.tokenPath,
        headers: {
          // The request that made the fetch necessary, named as it was to us.
          ...(on?.requestId ? { "x-request-id": on.requestId } : {}),
          "content-type": "application/x-www-form-urlencoded",
        },
        body,
        signal: controller.signal,
      });
      answer = {
        statusCode: response.statusCode,
        headers: response.headers,
        text: await response.body.text(),
      };
    } catch (error) {
      throw upstreamUnreachable("token-server", "token request", noAnswerOf(error));
    } finally {
      clearTimeout(timer);
    }
    if (answer.statusCode !== 200) {
      // Entra explains refusals in error_description; its first line carries the AADSTS code.
      const description = String(
        (safeJson(answer.text) as { error_description?: string } | undefined)?.error_description ??
          "",
      );
      const detail = `token endpoint answered ${answer.statusCode} ${description.split("\n")[0]}`;
      throw upstreamRefusal(
        "token-server",
        answer.statusCode,
        answer.headers["retry-after"],
        detail.trim(),
      );
    }
    const parsed = tokenAnswer.safeParse(safeJson(answer.text));
    if (!parsed.success) {
      throw new UpstreamError(
        "token-server",
        "bad_answer",
        "token endpoint answered without a token",
      );
    }
    const fetchedAt = this.clock.now();
    const lifetimeMs = parsed.data.expires_in * 1000;
    const token: CachedToken = {
      value: parsed.data.access_token,
      staleAt: fetchedAt + lifetimeMs - Math.min(expiryMarginMs, lifetimeMs / 8),
      refreshAt: fetchedAt + lifetimeMs - Math.min(refreshAheadMs, lifetimeMs / 4),
    };
    this.cached = token;
    return token;
  }
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

/** What undici tells of a request that got no answer (our AbortController's TimeoutError, say). */
function noAnswerOf(error: unknown): NoAnswer {
  const { name, code, cause } = (error ?? {}) as {
    name?: string;
    code?: string;
    cause?: { code?: string };
  };
  const timedOut =
    name === "TimeoutError" ||
    code === "UND_ERR_HEADERS_TIMEOUT" ||
    code === "UND_ERR_BODY_TIMEOUT";
  const refused = code === "ECONNREFUSED" || cause?.code === "ECONNREFUSED";
  return { timedOut, refused, cause: String(code ?? cause?.code ?? name) };
}
