import { rootCertificates } from "node:tls";
import { Agent, fetch as undiciFetch } from "undici";

/** Node's own trusted roots plus a CA of ours (PEM): trusting it distrusts no public site. */
export function withNodeRoots(caPem: string): string[] {
  return [...rootCertificates, caPem];
}

/** A fetch (of a URL) that verifies servers against these roots, instead of Node's alone. */
export function fetchTrusting(roots: string[]): typeof fetch {
  const dispatcher = new Agent({ connect: { ca: roots } });
  const trustingFetch = (input: string | URL, init?: RequestInit) =>
    undiciFetch(input, { ...(init as Parameters<typeof undiciFetch>[1]), dispatcher });
  return trustingFetch as unknown as typeof fetch;
}
