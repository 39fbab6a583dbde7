import { writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import {
  type ClientKeysFile,
  readClientKeysFile,
} from "../../adapters/client-keys/file-client-keys.ts";
import type { DevDevice } from "../shared/dev-device.ts";

/**
 * The keys file the stack's service reads: the dev device's, or, given an integrator's file
 * (BCSC_CLIENT_KEYS_FILE), theirs with the dev device's keys added, so that the demo still works.
 * Written anew at each start, beside the dev device's.
 */
export function registerClientKeys(device: DevDevice, integratorsFile?: string): string {
  if (!integratorsFile) return device.keysFile;
  const theirs = readClientKeysFile(integratorsFile);
  const dev = readClientKeysFile(device.keysFile);
  const merged: ClientKeysFile = { ...theirs };
  for (const [clientId, { keys }] of Object.entries(dev)) {
    merged[clientId] = { keys: [...(theirs[clientId]?.keys ?? []), ...keys] };
  }
  const file = join(dirname(device.keysFile), "client-keys-with-yours.json");
  writeFileSync(file, JSON.stringify(merged, null, 2));
  return file;
}
