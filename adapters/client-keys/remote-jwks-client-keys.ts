import { z } from "zod";
import type { ClientKeys, Clock, PublicJwk } from "../../core/ports.ts";

const jwks = z.object({ keys: z.array(z.looseObject({ kty: z.string() })) });

interface CachedKeys {
  keys: PublicJwk[];
  fetchedAt: number;
}

export interface RemoteJwksSettings {
  /** e.g. https://idp.example/clients/{client_id}/jwks — `{client_id}` is replaced. */
  urlTemplate: string;
  /** How long a fetched key set is trusted before it is fetched again. */
  cacheMs: number;
  /** An unknown kid may mean a rotated key: refetch, but not more often than this. */
  refetchCooldownMs: number;
  timeoutMs: number;
}

/**
 * Each client's keys from its own JWKS URL, cached. Concurrent requests for one client share a
 * fetch; a failed fetch keeps serving the last good key set.
 */
export class RemoteJwksClientKeys implements ClientKeys {
  private readonly cache = new Map<string, CachedKeys>();
  private readonly inFlight = new Map<string, Promise<PublicJwk[]>>();

  constructor(
    private readonly settings: RemoteJwksSettings,
    private readonly clock: Clock,
  ) {}

  async keysFor(clientId: string, kid?: string): Promise<PublicJwk[]> {
    const cached = this.cache.get(clientId);
    const age = cached ? this.clock.now() - cached.fetchedAt : Number.POSITIVE_INFINITY;
    const kidUnknown = kid !== undefined && !cached?.keys.some((key) => key.kid === kid);
    const stale =
      age >= this.settings.cacheMs || (kidUnknown && age >= this.settings.refetchCooldownMs);
    if (cached && !stale) return cached.keys;
    return this.fetchOnce(clientId).catch(() => cached?.keys ?? []);
  }

  private fetchOnce(clientId: string): Promise<PublicJwk[]> {
    let pending = this.inFlight.get(clientId);
    if (!pending) {
      pending = this.fetchKeys(clientId).finally(() => this.inFlight.delete(clientId));
      this.inFlight.set(clientId, pending);
    }
    return pending;
  }

  private async fetchKeys(clientId: string): Promise<PublicJwk[]> {
    const url = this.settings.urlTemplate.replaceAll("{client_id}", encodeURIComponent(clientId));
    const response = await fetch(url, { signal: AbortSignal.timeout(this.settings.timeoutMs) });
    if (!response.ok && response.status !== 404) throw new Error(`JWKS ${url}: ${response.status}`);
    // An unknown client is an empty key set, remembered like any other answer.
    const keys =
      response.status === 404
        ? []
        : (jwks.parse(await response.json()).keys as PublicJwk[]).filter((key) => !("d" in key));
    this.cache.set(clientId, { keys, fetchedAt: this.clock.now() });
    return keys;
  }
}
