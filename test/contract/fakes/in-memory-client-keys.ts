import type { ClientKeys, PublicJwk } from "../../../core/ports.ts";

/** Registered client keys in memory; like FileClientKeys it refuses a private key up front. */
export class InMemoryClientKeys implements ClientKeys {
  readonly #keys: Map<string, PublicJwk[]>;

  constructor(registrations: Record<string, PublicJwk[]>) {
    for (const [clientId, keys] of Object.entries(registrations)) {
      if (keys.some((key) => "d" in key)) {
        throw new Error(`a registered key of ${clientId} must be public (no private part d)`);
      }
    }
    this.#keys = new Map(Object.entries(structuredClone(registrations)));
  }

  async keysFor(clientId: string): Promise<PublicJwk[]> {
    return structuredClone(this.#keys.get(clientId) ?? []);
  }
}
