import { execFileSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type BrowserContext, chromium } from "playwright-core";
import { testTls } from "./dev-tls.ts";

/** Debian's package (`apt-get install -y chromium`); .ci/run installs it. */
const CHROMIUM = "/usr/bin/chromium";
/** NSS's tool (Debian's libnss3-tools), to make Chromium trust the dev CA; .ci/run installs it. */
const CERTUTIL = "/usr/bin/certutil";
const CHROMIUM_FLAGS = [
  "--use-fake-device-for-media-stream",
  "--use-fake-ui-for-media-stream",
  "--headless",
  "--no-sandbox",
  "--disable-gpu",
  "--disable-quic",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
];

export interface TestBrowser {
  context: BrowserContext;
  close(): Promise<void>;
}

/**
 * Headless Chromium (fake camera) that trusts the run's dev CA, as a developer's does once they
 * trusted it. Without Chromium or certutil it fails, loudly, naming what was NOT tested: a browser
 * test that passes without a browser would be a lie.
 */
export async function launchChromium(tested: string): Promise<TestBrowser> {
  if (!existsSync(CHROMIUM)) {
    throw new Error(
      `NO BROWSER: ${CHROMIUM} is missing, so ${tested} was NOT tested. ` +
        "Install Debian's chromium (apt-get install -y chromium), as .ci/run does.",
    );
  }
  const home = homeTrustingDevCa(tested);
  const userDataDir = mkdtempSync(join(tmpdir(), "test-chromium-"));
  const context = await chromium.launchPersistentContext(userDataDir, {
    executablePath: CHROMIUM,
    headless: true,
    args: CHROMIUM_FLAGS,
    env: { ...process.env, HOME: home },
  });
  return {
    context,
    async close() {
      await context.close();
      for (const dir of [userDataDir, home]) rmSync(dir, { recursive: true, force: true });
    },
  };
}

/**
 * A home folder whose NSS database trusts the dev CA (README): Chromium on Linux reads the user's
 * trusted roots from ~/.pki/nssdb.
 */
function homeTrustingDevCa(tested: string): string {
  if (!existsSync(CERTUTIL)) {
    throw new Error(
      `NO CERTUTIL: ${CERTUTIL} is missing, so Chromium cannot be made to trust the dev CA and ` +
        `${tested} was NOT tested. Install libnss3-tools, as .ci/run does.`,
    );
  }
  const home = mkdtempSync(join(tmpdir(), "test-chromium-home-"));
  const nssDb = `sql:${join(home, ".pki", "nssdb")}`;
  mkdirSync(join(home, ".pki", "nssdb"), { recursive: true });
  execFileSync(CERTUTIL, ["-N", "-d", nssDb, "--empty-password"]);
  execFileSync(CERTUTIL, [
    "-A",
    "-d",
    nssDb,
    "-n",
    "BCSC Video API dev CA",
    "-t",
    "C,,",
    "-i",
    testTls().caFile,
  ]);
  return home;
}
