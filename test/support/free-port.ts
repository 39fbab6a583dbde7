import { readFileSync } from "node:fs";
import { createServer } from "node:net";

/**
 * Below the range the kernel hands out for port 0 and for outgoing connections: a port picked here
 * is not taken by another test's server or client in the time before its own server binds it.
 */
const ephemeralFrom = (() => {
  try {
    return Number(readFileSync("/proc/sys/net/ipv4/ip_local_port_range", "utf8").split(/\s+/)[0]);
  } catch {
    return 32_768;
  }
})();
const lowest = 20_000;

/** Whether `port` can be bound on loopback now. */
function bindable(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const probe = createServer();
    probe.once("error", () => resolve(false));
    probe.listen(port, "127.0.0.1", () => probe.close(() => resolve(true)));
  });
}

/** A TCP port free on loopback now (for a server that must be told its port). */
export async function freePort(): Promise<number> {
  for (;;) {
    const port = lowest + Math.floor(Math.random() * Math.max(ephemeralFrom - lowest, 1_000));
    if (await bindable(port)) return port;
  }
}
