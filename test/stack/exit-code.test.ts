import { execFile } from "node:child_process";
import { join } from "node:path";
import { describe, expect, it } from "vitest";

const repositoryRoot = join(import.meta.dirname, "../..");
const tsx = join(repositoryRoot, "node_modules/.bin/tsx");

describe("a process that used the embedded PostgreSQL", () => {
  // The test run itself is one: with the package's exit hook, failed tests exited 0 and CI passed.
  it("ends with the exit code it set, not 0", async () => {
    const fixture = join(repositoryRoot, "test/support/fixtures/failing-exit-with-postgres.ts");
    const code = await new Promise<number | null>((resolve) => {
      execFile(tsx, [fixture], { timeout: 30_000 }, (error) =>
        resolve(error ? ((error as { code?: number }).code ?? null) : 0),
      );
    });
    expect(code).toBe(3);
  });
});
