const LOOPBACK_HOSTS = ["127.0.0.1", "localhost", "[::1]"];

/** Where the citizen page can come from: the API's port under a loopback name. */
export function loopbackOrigins(port: number): Set<string> {
  return new Set(LOOPBACK_HOSTS.map((host) => new URL(`http://${host}:${port}`).origin));
}
