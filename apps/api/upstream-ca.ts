import { readFileSync } from "node:fs";
import { withNodeRoots } from "../shared/trust.ts";
import type { ServiceConfig } from "./config.ts";

/** The roots upstream calls trust: Node's, plus UPSTREAM_CA_FILE's CA when it is set. */
export function upstreamRoots(config: ServiceConfig): string[] | undefined {
  const caFile = config.UPSTREAM_CA_FILE;
  return caFile ? withNodeRoots(readFileSync(caFile, "utf8")) : undefined;
}
