import { z } from "zod";
import type { ClientKeys, Clock, PublicJwk } from "../../core/ports.ts";
import { FetchBudget } from "./fetch-budget.ts";

const jwks = z.object({ keys: z.array(z.looseObject({ kty: z.string() })) });

/**
 * The client id becomes one segment of the URL fetched: unreserved characters only (nothing to
 * encode, no `/` or `%`), led by a letter or digit, so never `.` or `..`, which URL normalisation
 * would take as a step up the template's path.
 */
const plausibleClientId = /^[A-Za-z0-9][A-Za-z0-9._~-]{0,127}$/;
/** Clients whose keys are held, and clients remembered to have none: the oldest go first. */
const knownLimit = 10_000;
const unknownLimit = 10_000;

interface HeldKeys {
  keys: PublicJwk[];
  fetchedAt: number;
  /** After a failed refetch, not tried again before this. */
  retryAt: number;
}

export interface RemoteJwksSettings {
  /** e.g. https://idp.example/clients/{client_id}/jwks — `{client_id}` is replaced. */
  urlTemplate: string;
  /** How long a fetched key set is trusted before it is fetched again. */
  cacheMs: number;
  /** An unknown kid may mean a rotated key: refetch, but not more often than this. */
  refetchCooldownMs: number;
  /** How long a client with no keys (404, an empty set, a failed fetch) is not asked about. */
  unknownClientMs: number;
  /** Fetches for clients whose keys are not held, which any unsigned token can ask for. */
  fetchesPerMinute: number;
  maxConcurrentFetches: number;
  timeoutMs: number;
  /** How the key sets are fetched (e.g. one trusting a private CA); default: the global fetch. */
  fetch?: typeof fetch;
}

/**
 * Each client's keys from its own JWKS URL, cached. Concurrent requests for one client share a
 * fetch; a failed fetch keeps serving the last good key set.
 *
 * The client asked about is named by a token not verified yet, so what a stranger can cause is
 * bounded: implausible ids are never fetched, clients found to have no keys are not asked about
 * again for a while, and fetches for clients whose keys are not held have a budget; over it they
 * are refused as unknown. A client whose keys are held is never refused: its refetches are
 * already bounded by the cache time and the kid cooldown.
 */
export class RemoteJwksClientKeys implements ClientKeys {
  private readonly known = new Map<string, HeldKeys>();
  /** When each client was found to have no keys, oldest first. */
  private readonly unknown = new Map<string, number>();
  private readonly inFlight = new Map<string, Promise<PublicJwk[]>>();
  private readonly budget: FetchBudget;

  constructor(
    private readonly settings: RemoteJwksSettings,
    private readonly clock: Clock,
  ) {
    this.budget = new FetchBudget(settings.fetchesPerMinute, settings.maxConcurrentFetches, clock);
  }

  async keysFor(clientId: string, kid?: string): Promise<PublicJwk[]> {
    if (!plausibleClientId.test(clientId)) return [];
    const now = this.clock.now();
    const held = this.known.get(clientId);
    if (held) {
      const age = now - held.fetchedAt;
      const kidUnknown = kid !== undefined && !held.keys.some((key) => key.kid === kid);
      const stale =
        age >= this.settings.cacheMs || (kidUnknown && age >= this.settings.refetchCooldownMs);
      if (!stale || now < held.retryAt) return held.keys;
      return this.inFlight.get(clientId) ?? this.fetch(clientId);
    }
    const pending = this.inFlight.get(clientId);
    if (pending) return pending;
    const unknownSince = this.unknown.get(clientId);
    if (unknownSince !== undefined && now - unknownSince < this.settings.unknownClientMs) return [];
    // Over budget: refused, and not remembered, so the client is asked about once there is room.
    const end = this.budget.start();
    if (!end) return [];
    return this.fetch(clientId).finally(end);
  }

  private fetch(clientId: string): Promise<PublicJwk[]> {
    const pending = this.fetchKeys(clientId)
      .then(
        (keys) => this.learn(clientId, keys),
        () => this.fetchFailed(clientId),
      )
      .finally(() => this.inFlight.delete(clientId));
    this.inFlight.set(clientId, pending);
    return pending;
  }

  private async fetchKeys(clientId: string): Promise<PublicJwk[]> {
    const url = this.settings.urlTemplate.replaceAll("{client_id}", encodeURIComponent(clientId));
    const fetchKeySet = this.settings.fetch ?? fetch;
    const response = await fetchKeySet(url, {
      signal: AbortSignal.timeout(this.settings.timeoutMs),
    });
    if (!response.ok) {
      await response.body?.cancel();
      // An unknown client is an empty key set.
      if (response.status === 404) return [];
      throw new Error(`JWKS ${url}: ${response.status}`);
    }
    return (jwks.parse(await response.json()).keys as PublicJwk[]).filter((key) => !("d" in key));
  }

  private learn(clientId: string, keys: PublicJwk[]): PublicJwk[] {
    const now = this.clock.now();
    this.known.delete(clientId);
    if (keys.length === 0) {
      this.rememberUnknown(clientId, now);
      return keys;
    }
    this.unknown.delete(clientId);
    this.known.set(clientId, { keys, fetchedAt: now, retryAt: now });
    if (this.known.size > knownLimit) this.known.delete(this.known.keys().next().value ?? "");
    return keys;
  }

  private fetchFailed(clientId: string): PublicJwk[] {
    const now = this.clock.now();
    const held = this.known.get(clientId);
    if (!held) {
      this.rememberUnknown(clientId, now);
      return [];
    }
    held.retryAt = now + this.settings.refetchCooldownMs;
    return held.keys;
  }

  private rememberUnknown(clientId: string, now: number): void {
    this.unknown.delete(clientId);
    this.unknown.set(clientId, now);
    for (const [oldest, since] of this.unknown) {
      if (this.unknown.size <= unknownLimit && now - since < this.settings.unknownClientMs) break;
      this.unknown.delete(oldest);
    }
  }
}
