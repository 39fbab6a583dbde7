import { execFileSync } from "node:child_process";
import { randomUUID } from "node:crypto";
import { rmSync, writeFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";

const root = fileURLToPath(new URL("../..", import.meta.url));

/** Writes a throwaway module into core/, cruises just that module, and removes it again. */
function cruiseCoreProbe(source: string) {
  const file = `core/dependency-rule-probe-${randomUUID()}.ts`;
  writeFileSync(`${root}${file}`, source);
  try {
    const output = execFileSync(
      "node_modules/.bin/depcruise",
      [file, "--config", ".dependency-cruiser.cjs"],
      { cwd: root, encoding: "utf8", stdio: "pipe" },
    );
    return { file, status: 0, output };
  } catch (error) {
    const failed = error as { status: number | null; stdout: string; stderr: string };
    return { file, status: failed.status, output: `${failed.stdout}${failed.stderr}` };
  } finally {
    rmSync(`${root}${file}`, { force: true });
  }
}

/** The rule itself is guarded: a forbidden import in core/ fails the check, naming the file. */
describe("the dependency rule (.dependency-cruiser.cjs)", () => {
  it("refuses a node built-in and an adapter in core/", () => {
    const { file, status, output } = cruiseCoreProbe(
      [
        'import { readFileSync } from "node:fs";',
        'import { SqliteSessions } from "../adapters/sqlite/sqlite-sessions.ts";',
        "export const probe = [readFileSync, SqliteSessions];",
      ].join("\n"),
    );
    expect(status).not.toBe(0);
    expect(output).toContain(`node-builtins-only-in-adapters-and-apps: ${file} → fs`);
    expect(output).toContain(
      `core-not-to-adapters-or-simulators: ${file} → adapters/sqlite/sqlite-sessions.ts`,
    );
  });

  it("accepts what core may import: xstate and core itself", () => {
    const { status, output } = cruiseCoreProbe(
      [
        'import { setup } from "xstate";',
        'import type { Clock } from "./ports.ts";',
        "export const probe: [typeof setup, Clock?] = [setup];",
      ].join("\n"),
    );
    expect(output).toContain("no dependency violations found");
    expect(status).toBe(0);
  });
});
