import type { Ids } from "../../core/ports.ts";

/** base64url of `bytes` random bytes from the platform's cryptographic generator. */
function randomToken(bytes: number): string {
  const buffer = crypto.getRandomValues(new Uint8Array(bytes));
  let binary = "";
  for (const byte of buffer) binary += String.fromCharCode(byte);
  return btoa(binary).replaceAll("+", "-").replaceAll("/", "_").replace(/=+$/, "");
}

/** 160-bit session ids: unguessable, so a leaked list of ids from one device predicts nothing. */
export const randomIds: Ids = {
  sessionId: () => randomToken(20),
  callId: () => crypto.randomUUID(),
};
