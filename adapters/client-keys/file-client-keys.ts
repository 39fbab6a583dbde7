import { readFileSync } from "node:fs";
import { z } from "zod";
import type { ClientKeys, PublicJwk } from "../../core/ports.ts";

const publicJwk = z.looseObject({ kty: z.string() }).refine((jwk) => !("d" in jwk), {
  message: "a registered key must be public (no private part `d`)",
});
const keysFile = z.record(z.string(), z.object({ keys: z.array(publicJwk) }));

/** Client keys from a local JSON file: `{ "<client_id>": { "keys": [<public JWK>, ...] } }`. */
export class FileClientKeys implements ClientKeys {
  private readonly keys: Map<string, PublicJwk[]>;

  constructor(path: string) {
    const parsed = keysFile.safeParse(JSON.parse(readFileSync(path, "utf8")));
    if (!parsed.success) {
      throw new Error(`client keys file ${path} is invalid: ${z.prettifyError(parsed.error)}`);
    }
    this.keys = new Map(
      Object.entries(parsed.data).map(([clientId, entry]) => [clientId, entry.keys as PublicJwk[]]),
    );
  }

  async keysFor(clientId: string): Promise<PublicJwk[]> {
    return this.keys.get(clientId) ?? [];
  }
}
