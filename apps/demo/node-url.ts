const HAS_SCHEME = /^[a-z][a-z\d+.-]*:\/\//i;

/**
 * The conference node's URL from a session's `destination_host`, as the shipped app builds it:
 * `https://${destination_host}` (the dev stack's Pexip simulator speaks HTTPS too). A value with a
 * scheme is taken as it is.
 */
export function nodeUrlFor(destinationHost: string): string {
  if (HAS_SCHEME.test(destinationHost)) return destinationHost;
  const nodeUrl = `https://${destinationHost}`;
  new URL(nodeUrl); // throws for a value that is no host
  return nodeUrl;
}
