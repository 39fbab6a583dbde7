const HAS_SCHEME = /^[a-z][a-z\d+.-]*:\/\//i;
// The URL parser has already normalised IPv4 shorthands such as "127.1".
const LOOPBACK_IPV4 = /^127\.\d+\.\d+\.\d+$/;

/**
 * The conference node's URL from a session's `destination_host`. A bare host is dialled over
 * HTTPS, except a loopback one: that is a local simulator, which serves plain HTTP.
 */
export function nodeUrlFor(destinationHost: string): string {
  if (HAS_SCHEME.test(destinationHost)) return destinationHost;
  const { hostname } = new URL(`http://${destinationHost}`);
  const loopback = hostname === "localhost" || hostname === "[::1]" || LOOPBACK_IPV4.test(hostname);
  return `${loopback ? "http" : "https"}://${destinationHost}`;
}
