import { createSecureContext, rootCertificates, type SecureContext } from "node:tls";
import { Agent, fetch as undiciFetch } from "undici";

/** The contexts made in this process, by the CA they add. */
const contexts = new Map<string, SecureContext>();

/**
 * Node's own trusted roots plus a CA of ours (PEM): trusting it distrusts no public site. Made once
 * per CA and shared by every connection and client in the process that trusts it: parsing the
 * ~150 roots takes 30–60 ms of CPU, which `ca` given to each connection spent again on every
 * connect.
 */
export function withNodeRoots(caPem: string): SecureContext {
  let context = contexts.get(caPem);
  if (!context) {
    context = createSecureContext({ ca: [...rootCertificates, caPem] });
    contexts.set(caPem, context);
  }
  return context;
}

/**
 * A fetch that verifies servers against these roots, instead of Node's alone. It takes a URL or a
 * Request (openapi-fetch sends Requests), which it hands on as its parts: the platform's Request is
 * not undici's own.
 */
export function fetchTrusting(trust: SecureContext): typeof fetch {
  const dispatcher = new Agent({ connect: { secureContext: trust } });
  type UndiciInit = Parameters<typeof undiciFetch>[1];
  const trustingFetch = (input: string | URL | Request, init?: RequestInit) => {
    if (!(input instanceof Request)) {
      return undiciFetch(input, { ...(init as UndiciInit), dispatcher });
    }
    const { url, method, headers, body, signal } = input;
    const parts = { method, headers, body, signal, duplex: "half" } as UndiciInit;
    return undiciFetch(url, { ...parts, ...(init as UndiciInit), dispatcher });
  };
  return trustingFetch as unknown as typeof fetch;
}
