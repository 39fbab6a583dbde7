import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { TestProject } from "vitest/node";
import { ensureDevTls } from "../../apps/shared/dev-tls.ts";

declare module "vitest" {
  export interface ProvidedContext {
    /** The test run's dev CA folder (apps/shared/dev-tls.ts): one CA for every stack. */
    devTlsDir: string;
  }
}

/**
 * One dev CA for the whole run, made before the workers start. They are started trusting it
 * (NODE_EXTRA_CA_CERTS, read by Node at start only), as the README tells a Node client to.
 */
export default function setup(project: TestProject) {
  const dir = mkdtempSync(join(tmpdir(), "bcsc-test-ca-"));
  process.env.NODE_EXTRA_CA_CERTS = ensureDevTls(dir).caFile;
  project.provide("devTlsDir", dir);
  return () => rmSync(dir, { recursive: true, force: true });
}
