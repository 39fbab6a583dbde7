import { base64Encode } from "./encoding.ts";

export interface BasicCredentials {
  username: string;
  password: string;
}

/** Reads `Authorization: Basic ...`; undefined when absent or garbled. */
export function parseBasicAuth(header: string | undefined): BasicCredentials | undefined {
  const match = header?.match(/^Basic\s+([A-Za-z0-9+/=]+)\s*$/i);
  if (!match?.[1]) return undefined;
  let decoded: string;
  try {
    const binary = atob(match[1]);
    decoded = new TextDecoder().decode(Uint8Array.from(binary, (char) => char.charCodeAt(0)));
  } catch {
    return undefined;
  }
  const colon = decoded.indexOf(":");
  if (colon < 0) return undefined;
  return { username: decoded.slice(0, colon), password: decoded.slice(colon + 1) };
}

export function basicAuthHeader({ username, password }: BasicCredentials): string {
  return `Basic ${base64Encode(new TextEncoder().encode(`${username}:${password}`))}`;
}

/** Compares secrets without an early exit, as a real gateway would. */
export function sameSecret(given: string, expected: string): boolean {
  const a = new TextEncoder().encode(given);
  const b = new TextEncoder().encode(expected);
  let difference = a.length ^ b.length;
  for (let i = 0; i < Math.max(a.length, b.length); i++) difference |= (a[i] ?? 0) ^ (b[i] ?? 0);
  return difference === 0;
}
