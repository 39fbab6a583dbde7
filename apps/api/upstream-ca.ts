import { readFileSync } from "node:fs";
import type { SecureContext } from "node:tls";
import { withNodeRoots } from "../shared/trust.ts";
import type { ServiceConfig } from "./config.ts";

/**
 * What upstream calls trust: Node's roots, plus UPSTREAM_CA_FILE's CA when it is set. Made once per
 * service, for every upstream client.
 */
export function upstreamTrust(config: ServiceConfig): SecureContext | undefined {
  const caFile = config.UPSTREAM_CA_FILE;
  return caFile ? withNodeRoots(readFileSync(caFile, "utf8")) : undefined;
}
