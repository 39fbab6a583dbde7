import type { ClientKeys, PublicJwk } from "../../core/ports.ts";

/** Several sources of client keys, asked in turn: the first that has keys for the client answers. */
export class ChainedClientKeys implements ClientKeys {
  constructor(private readonly sources: ClientKeys[]) {}

  async keysFor(clientId: string, kid?: string): Promise<PublicJwk[]> {
    for (const source of this.sources) {
      const keys = await source.keysFor(clientId, kid);
      if (keys.length > 0) return keys;
    }
    return [];
  }
}
