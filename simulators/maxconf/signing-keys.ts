import {
  createLocalJWKSet,
  type FlattenedJWSInput,
  type JSONWebKeySet,
  type JWSHeaderParameters,
} from "jose";
import type { SimClock } from "../control/clock.ts";

export interface SigningKeysOptions {
  jwksUrl: string;
  clock: SimClock;
  /** How long fetched keys are trusted before they are fetched again (on the simulator's clock). */
  maxAgeMs: number;
  fetch: typeof fetch;
}

/** The keys could not be fetched: the gateway's problem, not the caller's. */
export class KeySourceError extends Error {
  override readonly name = "KeySourceError";
}

interface KeySet {
  kids: Set<string>;
  getKey: ReturnType<typeof createLocalJWKSet>;
  fetchedAtMs: number;
}

const FETCH_TIMEOUT_MS = 5000;

/**
 * The gateway's copy of the token server's JWKS. Unlike jose's remote set (which ages on the wall
 * clock), it ages on the simulator's clock, so a test moving time sees keys refreshed and dropped
 * keys refused; a token naming an unknown `kid` makes it fetch again at once (a rotation).
 */
export class SigningKeys {
  readonly #options: SigningKeysOptions;
  #set: KeySet | undefined;
  #loading: Promise<KeySet> | undefined;

  constructor(options: SigningKeysOptions) {
    this.#options = options;
  }

  /** The key ids trusted without fetching the keys again: undefined once the copy has aged. */
  freshKids(): Set<string> | undefined {
    const set = this.#set;
    const fresh = set && this.#options.clock.now() - set.fetchedAtMs < this.#options.maxAgeMs;
    return fresh ? set.kids : undefined;
  }

  /** The key ids currently trusted; keeps the stale ones when a refresh fails. */
  async kids(): Promise<Set<string>> {
    const fresh = this.freshKids();
    if (fresh) return fresh;
    const set = this.#set;
    try {
      return (await this.#reload()).kids;
    } catch (error) {
      if (set) return set.kids;
      throw error;
    }
  }

  /** For jose's `jwtVerify`. */
  readonly getKey = async (header: JWSHeaderParameters, token: FlattenedJWSInput) => {
    const kids = await this.kids();
    const set = header.kid && !kids.has(header.kid) ? await this.#reload() : this.#set;
    if (!set) throw new KeySourceError("No signing keys");
    return set.getKey(header, token);
  };

  #reload(): Promise<KeySet> {
    this.#loading ??= this.#fetch().finally(() => {
      this.#loading = undefined;
    });
    return this.#loading;
  }

  async #fetch(): Promise<KeySet> {
    const { jwksUrl, clock } = this.#options;
    let jwks: JSONWebKeySet;
    try {
      const response = await this.#options.fetch(jwksUrl, {
        headers: { accept: "application/json" },
        signal: AbortSignal.timeout(FETCH_TIMEOUT_MS),
      });
      if (response.status !== 200) throw new Error(`HTTP ${response.status}`);
      jwks = (await response.json()) as JSONWebKeySet;
    } catch (error) {
      const reason = error instanceof Error ? error.message : String(error);
      throw new KeySourceError(`JWKS fetch failed: ${reason}`);
    }
    const getKey = createLocalJWKSet(jwks);
    const kids = new Set(jwks.keys.flatMap(({ kid }) => (kid ? [kid] : [])));
    this.#set = { kids, getKey, fetchedAtMs: clock.now() };
    return this.#set;
  }
}
