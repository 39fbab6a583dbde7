import { createServer } from "node:net";

/** Whether something on this machine listens on the loopback `port` already. */
function inUse(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const probe = createServer();
    probe.once("error", () => resolve(true));
    probe.listen(port, "127.0.0.1", () => probe.close(() => resolve(false)));
  });
}

/** Those of the named ports that something listens on already, as `NAME port`. */
export async function portsInUse(ports: Record<string, number>): Promise<string[]> {
  const named = Object.entries(ports);
  const taken = await Promise.all(named.map(([, port]) => inUse(port)));
  return named.filter((_, index) => taken[index]).map(([name, port]) => `${name} ${port}`);
}
