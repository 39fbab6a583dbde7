import { isLoopback } from "../simulators/control-access.ts";

interface StackUrls {
  api: string;
  tokenServer: string;
  maxconf: string;
  pexip: string;
}

/**
 * What `HOST` beyond loopback opens to the network, said at start: the dev stack is made for one
 * machine, and every port of it listens on that HOST. Undefined on loopback.
 */
export function exposureWarning(host: string, urls: StackUrls): string | undefined {
  if (isLoopback(host)) return undefined;
  const port = (url: string) => new URL(url).port;
  return `WARNING: HOST=${host} is not loopback. Whoever reaches this machine can use:
  - the API on port ${port(urls.api)} (/video/v2/..., /docs), and the citizen page (/demo)
  - the dev device-token endpoint, POST /dev/device-token on port ${port(urls.api)}: it signs a
    device token with the dev device key for any request that names a loopback Host
  - the token server (port ${port(urls.tokenServer)}), MaxConf (port ${port(urls.maxconf)}) and the Pexip node (port ${port(urls.pexip)}) simulators
  - their control APIs (/_sim: journal, faults, scenarios, reset), behind the control token below
Use HOST=127.0.0.1 (the default) unless that is what you want.`;
}
