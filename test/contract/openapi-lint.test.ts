import { execFile } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createHttpApp } from "../../adapters/http/app.ts";
import type { SupportUseCases, VideoSessionUseCases } from "../../core/use-cases/index.ts";
import { VirtualClock, wireSimulators } from "../../simulators/index.ts";
import { audience, clientId, clientSecret, tenant } from "../simulators/wired-stack.ts";
import { OpenApiChecker, type OpenApiDocument } from "./openapi-conformance.ts";

const root = resolve(import.meta.dirname, "../..");
const bin = (name: string) => join(root, "node_modules/.bin", name);

/** The API as the service serves it; no request reaches the use cases or the authenticator. */
const api = createHttpApp({
  useCases: {} as VideoSessionUseCases,
  authenticator: { authenticate: async () => ({ ok: false, reason: "missing" }) },
  rateLimiter: { take: async () => ({ allowed: true }) },
  ops: {
    support: {} as SupportUseCases,
    authenticator: { authenticate: async () => ({ ok: false, reason: "missing" }) },
    clock: { now: () => 0 },
    logDenied: () => {},
  },
});

/** The four documents as served, by the file name the linters report them under. */
async function servedDocuments(): Promise<Record<string, OpenApiDocument>> {
  const simulators = wireSimulators({
    clock: new VirtualClock(),
    seed: 42,
    tokenServerUrl: "http://token-server.test",
    maxconfUrl: "http://maxconf.test",
    pexipUrl: "http://pexip.test",
    tenant,
    clientId,
    clientSecret,
    audience,
    poolSize: 0,
  });
  const served = async (
    app: { request(path: string): Response | Promise<Response> },
    path: string,
  ) => (await (await app.request(path)).json()) as OpenApiDocument;
  return {
    "video-api.json": await served(api, "/openapi.json"),
    "token-server.json": await served(simulators.tokenServer.app, "/_sim/openapi.json"),
    "maxconf.json": await served(simulators.maxconf.app, "/_sim/openapi.json"),
    "pexip.json": await served(simulators.pexip.app, "/_sim/openapi.json"),
  };
}

/** Runs a linter; its exit status is ignored: the problems it prints are the verdict. */
function run(command: string, args: string[], cwd: string): Promise<string> {
  return new Promise((done) => {
    execFile(command, args, { cwd }, (_error, stdout) => done(stdout));
  });
}

/**
 * Errors and warnings, one line each, from output in the `github-actions` format both linters
 * write: `::warning title=<rule>,file=<file>,...::<message>%0A...`.
 */
function problems(output: string): string[] {
  return output
    .split("\n")
    .map((line) => /^::(error|warning) title=([^,]+),file=([^,]+),[^:]*::(.*?)(%0A|$)/.exec(line))
    .filter((match) => match !== null)
    .map(([, severity, rule, file, message]) => `${file}: ${severity} ${rule}: ${message}`);
}

describe("the OpenAPI documents", () => {
  let documents: Record<string, OpenApiDocument>;
  let folder: string;
  beforeAll(async () => {
    documents = await servedDocuments();
    folder = mkdtempSync(join(tmpdir(), "openapi-lint-"));
    for (const [file, document] of Object.entries(documents)) {
      writeFileSync(join(folder, file), JSON.stringify(document, null, 2));
    }
  });
  afterAll(() => rmSync(folder, { recursive: true, force: true }));

  it("pass Redocly's and Spectral's rules (the committed rulesets) with no error or warning", async () => {
    const files = Object.keys(documents);
    const [redocly, spectral] = await Promise.all([
      run(
        bin("redocly"),
        ["lint", "--config", join(root, "redocly.yaml"), "--format=github-actions", ...files],
        folder,
      ),
      run(
        bin("spectral"),
        ["lint", "--ruleset", join(root, ".spectral.yaml"), "--format=github-actions", ...files],
        folder,
      ),
    ]);
    expect(redocly, "Redocly ran").toMatch(/^(::|$)/);
    expect(spectral, "Spectral ran").toMatch(/^(::|No results)/);
    expect([...problems(redocly), ...problems(spectral)]).toEqual([]);
  });

  it("the API's document describes every route the API serves, and nothing else", () => {
    const served = api.routes
      .filter((route) => route.method !== "ALL" && route.path.startsWith("/video/"))
      .map((route) => `${route.method} ${route.path.replaceAll(/:(\w+)/g, "{$1}")}`);
    const documented = new OpenApiChecker(documents["video-api.json"] as OpenApiDocument);
    expect(new Set(served)).toEqual(new Set(documented.operations()));
  });
});
