/** The URL a listener on `hostname` answers at; a wildcard address is reached on loopback. */
export function listenerUrl(hostname: string, port: number, https: boolean): string {
  const host = hostname.includes(":") ? `[${hostname}]` : hostname;
  return `${https ? "https" : "http"}://${host === "0.0.0.0" ? "127.0.0.1" : host}:${port}`;
}
