const LOOPBACK_HOSTS = ["127.0.0.1", "localhost", "[::1]"];

/** Where the citizen page can come from: the API's scheme and port under a loopback name. */
export function loopbackOrigins(apiUrl: string): Set<string> {
  const { protocol, port } = new URL(apiUrl);
  return new Set(LOOPBACK_HOSTS.map((host) => new URL(`${protocol}//${host}:${port}`).origin));
}
