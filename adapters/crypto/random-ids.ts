import type { Ids } from "../../core/ports.ts";

/**
 * Random bytes drawn a few kilobytes at a time: one call to the generator per id cost more than
 * the rest of making it. Each byte is handed out once.
 */
const pool = new Uint8Array(4096);
let drawn = pool.length;

/** base64url of `bytes` random bytes from the platform's cryptographic generator. */
function randomToken(bytes: number): string {
  if (drawn + bytes > pool.length) {
    crypto.getRandomValues(pool);
    drawn = 0;
  }
  let binary = "";
  for (const byte of pool.subarray(drawn, drawn + bytes)) binary += String.fromCharCode(byte);
  drawn += bytes;
  return btoa(binary).replaceAll("+", "-").replaceAll("/", "_").replace(/=+$/, "");
}

/**
 * Session ids: the creation time (base 36, fixed width, so ids sort by it) and 128 random bits,
 * unguessable, so a leaked list of ids from one device predicts nothing. Time first, because ids
 * key the sessions and the audit trail: new rows then land on the last pages of those indexes
 * instead of on random ones, a few page writes fewer per create.
 */
export const randomIds: Ids = {
  sessionId: () => `${Date.now().toString(36).padStart(9, "0")}${randomToken(16)}`,
  callId: () => crypto.randomUUID(),
};
