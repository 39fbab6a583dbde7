import { readFileSync } from "node:fs";
import { z } from "zod";
import type { ClientKeys, PublicJwk } from "../../core/ports.ts";

const publicJwk = z.looseObject({ kty: z.string() }).refine((jwk) => !("d" in jwk), {
  message: "a registered key must be public (no private part `d`)",
});
const keysFile = z.record(z.string(), z.object({ keys: z.array(publicJwk) }));

export type ClientKeysFile = Record<string, { keys: PublicJwk[] }>;

/** Reads and checks a client keys file: `{ "<client_id>": { "keys": [<public JWK>, ...] } }`. */
export function readClientKeysFile(path: string): ClientKeysFile {
  let json: unknown;
  try {
    json = JSON.parse(readFileSync(path, "utf8"));
  } catch (error) {
    throw new Error(`client keys file ${path} cannot be read: ${(error as Error).message}`);
  }
  const parsed = keysFile.safeParse(json);
  if (!parsed.success) {
    throw new Error(`client keys file ${path} is invalid: ${z.prettifyError(parsed.error)}`);
  }
  return parsed.data as ClientKeysFile;
}

/** Client keys from a local JSON file (see readClientKeysFile), read once. */
export class FileClientKeys implements ClientKeys {
  private readonly keys: Map<string, PublicJwk[]>;

  constructor(path: string) {
    this.keys = new Map(
      Object.entries(readClientKeysFile(path)).map(([clientId, entry]) => [clientId, entry.keys]),
    );
  }

  async keysFor(clientId: string): Promise<PublicJwk[]> {
    return this.keys.get(clientId) ?? [];
  }
}
