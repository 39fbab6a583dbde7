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

/** 160-bit session ids: unguessable, so a leaked list of ids from one device predicts nothing. */
export const randomIds: Ids = {
  sessionId: () => randomToken(20),
  callId: () => crypto.randomUUID(),
};
