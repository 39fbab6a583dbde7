import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { type LoadResult, type Run, reported } from "./load.ts";

export interface Target {
  op: ">=" | "<=" | "<" | "==";
  value: number;
}

/** A load run shown beside its baseline in the chart. */
export interface Comparison {
  subject: { label: string; result: LoadResult };
  baseline: { label: string; result: LoadResult };
}

export interface Row {
  id: string;
  name: string;
  value: number;
  unit: string;
  target: Target;
  /** What was measured, in a few words: the numbers behind a ratio. */
  detail: string;
  comparison?: Comparison;
}

export interface Verdict {
  pass: boolean;
  /** How far from the target a failing value is. */
  shortfall?: string;
}

export function verdict({ value, target, unit }: Row): Verdict {
  const meets = {
    ">=": value >= target.value,
    "<=": value <= target.value,
    "<": value < target.value,
    "==": value === target.value,
  }[target.op];
  if (meets) return { pass: true };
  const gap = Math.abs(value - target.value);
  const percent = target.value === 0 ? "" : ` (${Math.round((gap / target.value) * 100)}%)`;
  const words = { ">=": "short by", "<=": "over by", "<": "over by", "==": "off by" }[target.op];
  return { pass: false, shortfall: `${words} ${format(gap, unit)}${percent}` };
}

/** A row comparing throughputs: the subject's req/s over the baseline's, charted side by side. */
export function throughputRow(row: {
  id: string;
  name: string;
  atLeast: number;
  subject: { label: string; run: Run };
  baseline: { label: string; run: Run };
  detail: string;
}): Row {
  const { subject, baseline } = row;
  return {
    id: row.id,
    name: row.name,
    value: subject.run.rps / baseline.run.rps,
    unit: "×",
    target: { op: ">=", value: row.atLeast },
    detail: row.detail,
    comparison: {
      subject: { label: subject.label, result: reported(subject.run) },
      baseline: { label: baseline.label, result: reported(baseline.run) },
    },
  };
}

export function rate(result: LoadResult): string {
  return `${Math.round(result.rps).toLocaleString("en-US")} req/s`;
}

export function ms(value: number): string {
  return `${value.toFixed(1)} ms`;
}

/** The answers of a run by status, and how many failed. */
export function statusSummary(result: LoadResult): string {
  const statuses = Object.entries(result.statuses)
    .map(([status, count]) => `${count} × ${status}`)
    .join(", ");
  return result.failures > 0 ? `${statuses}; ${result.failures} failed` : statuses;
}

export function format(value: number, unit: string): string {
  if (!Number.isFinite(value)) return String(value);
  // Ratios to three places: at two, 0.796 read as a failing 0.80 against a bar of 0.8.
  const digits = unit === "×" ? 3 : Math.abs(value) >= 100 || Number.isInteger(value) ? 0 : 1;
  const number = value.toLocaleString("en-US", {
    minimumFractionDigits: digits,
    maximumFractionDigits: digits,
  });
  return unit === "×" ? `${number}×` : unit ? `${number} ${unit}` : number;
}

/** The one table the benchmark prints. */
export function table(rows: Row[]): string {
  const lines = rows.map((row) => {
    const { pass, shortfall } = verdict(row);
    return [
      row.id,
      row.name,
      format(row.value, row.unit),
      `${row.target.op === "==" ? "=" : row.target.op} ${format(row.target.value, row.unit)}`,
      pass ? "PASS" : `FAIL (${shortfall})`,
      row.detail,
    ];
  });
  const header = ["#", "measurement", "value", "target", "result", "measured"];
  const widths = header.map((title, column) =>
    Math.max(title.length, ...lines.map((line) => (line[column] ?? "").length)),
  );
  const render = (cells: string[]) =>
    cells
      .map((cell, column) => cell.padEnd(widths[column] ?? 0))
      .join("  ")
      .trimEnd();
  return [render(header), render(widths.map((width) => "-".repeat(width))), ...lines.map(render)]
    .join("\n")
    .concat("\n");
}

/**
 * bench-results/<kind>-<timestamp>.json and .svg (by default the comparison chart of the rows);
 * returns their paths.
 */
export function writeResults(
  kind: string,
  rows: Row[],
  context: Record<string, unknown>,
  svgFor: (title: string) => string = (title) => chart(rows, title),
): { json: string; svg: string } {
  const folder = new URL("../../bench-results/", import.meta.url).pathname;
  mkdirSync(folder, { recursive: true });
  const stamp = new Date().toISOString().replaceAll(":", "-").replace(/\..*$/, "");
  const json = join(folder, `${kind}-${stamp}.json`);
  const svg = join(folder, `${kind}-${stamp}.svg`);
  const results = rows.map((row) => ({ ...row, ...verdict(row) }));
  writeFileSync(
    json,
    `${JSON.stringify({ kind, at: new Date().toISOString(), context, rows: results }, null, 2)}\n`,
  );
  writeFileSync(svg, svgFor(`${kind} ${stamp}`));
  return { json, svg };
}

const colours = { subject: "#2b6cb0", baseline: "#a0aec0", pass: "#2f855a", fail: "#c53030" };

/**
 * Per compared row: throughput (left) and p50/p99 latency (right) of the subject and its
 * baseline, each pair on its own scale, so a regression shows as a shorter blue bar.
 */
export function chart(rows: Row[], title: string): string {
  const compared = rows.filter((row) => row.comparison);
  const width = 960;
  const panel = 120;
  const top = 60;
  const height = top + compared.length * panel + 20;
  const parts: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" font-family="sans-serif" font-size="12">`,
    `<rect width="100%" height="100%" fill="white"/>`,
    `<text x="16" y="24" font-size="16" font-weight="bold">${escapeXml(title)}</text>`,
    legend(16, 44, colours.subject, "measured"),
    legend(120, 44, colours.baseline, "baseline"),
  ];
  compared.forEach((row, index) => {
    const comparison = row.comparison as Comparison;
    const y = top + index * panel;
    const { pass } = verdict(row);
    parts.push(
      `<text x="16" y="${y + 14}" font-weight="bold">${escapeXml(`${row.id} ${row.name}`)}</text>`,
      `<text x="${width - 16}" y="${y + 14}" text-anchor="end" fill="${pass ? colours.pass : colours.fail}" font-weight="bold">${pass ? "PASS" : "FAIL"} ${escapeXml(`${format(row.value, row.unit)} (target ${row.target.op} ${format(row.target.value, row.unit)})`)}</text>`,
    );
    const { subject, baseline } = comparison;
    parts.push(
      ...bars(16, y + 24, 420, "req/s", [
        { label: subject.label, value: subject.result.rps, colour: colours.subject },
        { label: baseline.label, value: baseline.result.rps, colour: colours.baseline },
      ]),
      ...bars(500, y + 24, 420, "ms", [
        { label: `p50 ${subject.label}`, value: subject.result.p50, colour: colours.subject },
        { label: `p50 ${baseline.label}`, value: baseline.result.p50, colour: colours.baseline },
        { label: `p99 ${subject.label}`, value: subject.result.p99, colour: colours.subject },
        { label: `p99 ${baseline.label}`, value: baseline.result.p99, colour: colours.baseline },
      ]),
    );
  });
  parts.push("</svg>");
  return `${parts.join("\n")}\n`;
}

function bars(
  x: number,
  y: number,
  width: number,
  unit: string,
  items: { label: string; value: number; colour: string }[],
): string[] {
  const labelWidth = 150;
  const barHeight = items.length > 2 ? 18 : 30;
  const max = Math.max(...items.map((item) => (Number.isFinite(item.value) ? item.value : 0)), 1);
  return items.flatMap((item, index) => {
    const barY = y + index * (barHeight + 4);
    const length = Math.max(1, ((width - labelWidth - 90) * (item.value || 0)) / max);
    return [
      `<text x="${x}" y="${barY + barHeight / 2 + 4}">${escapeXml(item.label)}</text>`,
      `<rect x="${x + labelWidth}" y="${barY}" width="${length.toFixed(1)}" height="${barHeight}" fill="${item.colour}"/>`,
      `<text x="${x + labelWidth + length + 6}" y="${barY + barHeight / 2 + 4}">${escapeXml(format(item.value, unit))}</text>`,
    ];
  });
}

function legend(x: number, y: number, colour: string, label: string): string {
  return `<rect x="${x}" y="${y - 10}" width="12" height="12" fill="${colour}"/><text x="${x + 18}" y="${y}">${label}</text>`;
}

/** A line chart of one series over time, e.g. the soak's resident memory. */
export function lineChart(
  title: string,
  unit: string,
  points: { seconds: number; value: number }[],
): string {
  const width = 960;
  const height = 360;
  const plot = { x: 80, y: 50, width: width - 110, height: height - 100 };
  const maxX = Math.max(1, ...points.map((point) => point.seconds));
  const maxY = Math.max(1, ...points.map((point) => point.value)) * 1.1;
  const x = (seconds: number) => plot.x + (plot.width * seconds) / maxX;
  const y = (value: number) => plot.y + plot.height - (plot.height * value) / maxY;
  const ticks = [0, 0.25, 0.5, 0.75, 1].map((fraction) => maxY * fraction);
  const path = points
    .map(
      (point, index) =>
        `${index === 0 ? "M" : "L"}${x(point.seconds).toFixed(1)},${y(point.value).toFixed(1)}`,
    )
    .join(" ");
  return `${[
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" font-family="sans-serif" font-size="12">`,
    `<rect width="100%" height="100%" fill="white"/>`,
    `<text x="16" y="24" font-size="16" font-weight="bold">${escapeXml(title)}</text>`,
    ...ticks.map(
      (tick) =>
        `<line x1="${plot.x}" x2="${plot.x + plot.width}" y1="${y(tick).toFixed(1)}" y2="${y(tick).toFixed(1)}" stroke="#e2e8f0"/><text x="${plot.x - 8}" y="${(y(tick) + 4).toFixed(1)}" text-anchor="end">${escapeXml(format(tick, unit))}</text>`,
    ),
    `<text x="${plot.x + plot.width}" y="${height - 20}" text-anchor="end">${Math.round(maxX)} s</text>`,
    `<path d="${path}" fill="none" stroke="${colours.subject}" stroke-width="2"/>`,
    ...points.map(
      (point) =>
        `<circle cx="${x(point.seconds).toFixed(1)}" cy="${y(point.value).toFixed(1)}" r="3" fill="${colours.subject}"/>`,
    ),
    "</svg>",
  ].join("\n")}\n`;
}

function escapeXml(text: string): string {
  return text.replaceAll("&", "&amp;").replaceAll("<", "&lt;").replaceAll(">", "&gt;");
}
