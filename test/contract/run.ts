import { parseArgs } from "node:util";
import { type Reporter, startVitest, type TestCase, type TestModule } from "vitest/node";
import { catalog, ports, type TargetInfo, unavailable } from "./targets.ts";

const USAGE = `Usage: npm run contract -- --target <name> [--target <name> ...]
       npm run contract -- --list

Runs a port's contract suite against one implementation and prints a conformance report: one
line per case (PASS, FAIL, or SKIP with the reason) and a summary. Real targets read their
settings from the environment (see --list); the exit code is 0 when nothing failed, 1 when a case
failed, 2 when a target cannot run here.`;

type Outcome = "PASS" | "FAIL" | "SKIP";

interface CaseReport {
  name: string;
  outcome: Outcome;
  detail?: string;
  durationMs?: number;
}

function list(): string {
  const rows = catalog.map((info) => [
    info.name,
    info.kind,
    ports[info.port].title,
    unavailable(info) ?? "ready",
  ]);
  const widths = [0, 1, 2].map((column) =>
    Math.max(...[["TARGET", "KIND", "PORT"], ...rows].map((row) => (row[column] ?? "").length)),
  );
  const line = (row: string[]) =>
    row
      .map((cell, column) => cell.padEnd(widths[column] ?? 0))
      .join("  ")
      .trimEnd();
  return [line(["TARGET", "KIND", "PORT", "STATUS"]), ...rows.map(line)].join("\n");
}

function caseReport(test: TestCase): CaseReport {
  const result = test.result();
  const durationMs = test.diagnostic()?.duration;
  if (result.state === "passed") return { name: test.name, outcome: "PASS", durationMs };
  if (result.state === "failed") {
    const message = result.errors?.[0]?.message ?? "failed";
    return { name: test.name, outcome: "FAIL", detail: message.split("\n")[0], durationMs };
  }
  return {
    name: test.name,
    outcome: "SKIP",
    detail: result.state === "skipped" ? result.note : "not run",
  };
}

function report(info: TargetInfo, cases: CaseReport[]): string {
  const count = (outcome: Outcome) => cases.filter((c) => c.outcome === outcome).length;
  const failed = count("FAIL");
  const verdict =
    cases.length === 0
      ? "NO CASES RAN"
      : failed > 0
        ? "DOES NOT CONFORM"
        : count("PASS") === 0
          ? "NOTHING CHECKED"
          : "CONFORMS (to the cases it could run)";
  return [
    `Contract conformance: ${info.name}`,
    `  port  ${ports[info.port].title}`,
    `  kind  ${info.kind}: ${info.what}`,
    "",
    ...cases.map((c) => {
      const time = c.durationMs === undefined ? "" : `  (${Math.round(c.durationMs)} ms)`;
      const detail = c.detail ? ` — ${c.detail}` : "";
      return `  ${c.outcome}  ${c.name}${detail}${c.outcome === "SKIP" ? "" : time}`;
    }),
    "",
    `  ${count("PASS")} passed, ${failed} failed, ${count("SKIP")} skipped of ${cases.length}: ${verdict}`,
  ].join("\n");
}

async function main(): Promise<number> {
  let values: { target?: string[]; list?: boolean; help?: boolean };
  try {
    ({ values } = parseArgs({
      options: {
        target: { type: "string", multiple: true },
        list: { type: "boolean", default: false },
        help: { type: "boolean", default: false },
      },
    }));
  } catch (error) {
    console.error(`${(error as Error).message}\n\n${USAGE}`);
    return 2;
  }
  if (values.help) {
    console.log(USAGE);
    return 0;
  }
  if (values.list) {
    console.log(list());
    return 0;
  }
  const names = values.target ?? [];
  if (names.length === 0) {
    console.error(`Name a target.\n\n${USAGE}\n\n${list()}`);
    return 2;
  }
  const infos: TargetInfo[] = [];
  for (const name of names) {
    const info = catalog.find((target) => target.name === name);
    if (!info) {
      console.error(`Unknown target '${name}'.\n\n${list()}`);
      return 2;
    }
    const reason = unavailable(info);
    if (reason) {
      console.error(`${name} cannot run here: ${reason}.`);
      return 2;
    }
    infos.push(info);
  }

  let modules: readonly TestModule[] = [];
  const collector: Reporter = {
    onTestRunEnd(testModules) {
      modules = testModules;
    },
  };
  const literally = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
  const vitest = await startVitest(
    "test",
    [...new Set(infos.map((info) => ports[info.port].file))],
    {
      run: true,
      watch: false,
      testNamePattern: new RegExp(`^(${infos.map((info) => literally(info.name)).join("|")}) `),
      reporters: [collector],
    },
  );
  await vitest.close();

  const tests = modules.flatMap((module) => [...module.children.allTests()]);
  const reports = infos.map((info) => {
    const cases = tests
      .filter((test) => test.parent.type === "suite" && test.parent.name === info.name)
      .map(caseReport);
    return { info, cases, text: report(info, cases) };
  });
  console.log(reports.map(({ text }) => text).join("\n\n"));
  const failed = reports.some(
    ({ cases }) => cases.length === 0 || cases.some((c) => c.outcome === "FAIL"),
  );
  return failed ? 1 : 0;
}

process.exitCode = await main();
