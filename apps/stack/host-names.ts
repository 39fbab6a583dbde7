import { hostname, networkInterfaces } from "node:os";

/**
 * The names, besides loopback, the stack's certificate must cover on `host`: that host, or, on a
 * wildcard address, this machine's name and network addresses (a phone on the LAN dials those).
 */
export function certificateHostNames(host: string): string[] {
  if (host !== "0.0.0.0" && host !== "::") return [host];
  const addresses = Object.values(networkInterfaces())
    .flat()
    .filter((address) => address && !address.internal && !address.address.startsWith("fe80"))
    .map((address) => address?.address ?? "");
  return [hostname(), ...addresses];
}
