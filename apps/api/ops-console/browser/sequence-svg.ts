import { clockTime } from "./format.ts";
import { type Participant, participants, type Step } from "./sequence-steps.ts";

const svgNs = "http://www.w3.org/2000/svg";
/** Lifelines' x, spaced for their labels: the app's routes are the longest. */
const lifeline: Record<Participant, number> = {
  app: 150,
  api: 500,
  "token-server": 740,
  maxconf: 960,
  pexip: 1160,
};
const width = 1260;
const headerHeight = 56;
const rowHeight = 30;

function svg<Tag extends keyof SVGElementTagNameMap>(
  tag: Tag,
  attributes: Record<string, string | number> = {},
  ...children: (Node | string)[]
): SVGElementTagNameMap[Tag] {
  const element = document.createElementNS(svgNs, tag);
  for (const [name, value] of Object.entries(attributes)) element.setAttribute(name, String(value));
  element.append(...children);
  return element;
}

/**
 * The steps as a sequence diagram: participants on top, one row a step with its time on the left,
 * answers dashed, failures red, the verdict's rows highlighted. Each arrow carries its ends, label
 * and row (`data-*`) for whoever reads the page by machine; the table below is the same in text.
 */
export function sequenceDiagram(steps: Step[], verdictRows: number[], title: string): SVGElement {
  const height = headerHeight + rowHeight * (steps.length + 1);
  const diagram = svg("svg", {
    class: "sequence",
    viewBox: `0 0 ${width} ${height}`,
    role: "img",
    "aria-label": title,
  });
  diagram.append(svg("title", {}, title), markers());
  for (const { id, name } of participants) {
    const x = lifeline[id];
    diagram.append(
      svg("line", { class: "lifeline", x1: x, x2: x, y1: 40, y2: height }),
      svg(
        "g",
        { class: "participant", "data-participant": id },
        svg("rect", { x: x - 95, y: 6, width: 190, height: 34, rx: 4 }),
        svg("text", { x, y: 28 }, name),
      ),
    );
  }
  steps.forEach((step, row) => {
    const y = headerHeight + rowHeight * (row + 0.5);
    const highlighted = verdictRows.includes(step.seq);
    if (highlighted) {
      diagram.append(
        svg("rect", { class: "verdict-row", x: 0, y: y - 14, width, height: rowHeight - 2 }),
      );
    }
    diagram.append(
      svg("text", { class: "time", x: 8, y: y + 4 }, clockTime(step.at)),
      step.to ? arrow(step, step.to, y, highlighted) : note(step, y, highlighted),
    );
  });
  return diagram;
}

function arrow(step: Step, to: Participant, y: number, highlighted: boolean): SVGElement {
  const [x1, x2] = [lifeline[step.from], lifeline[to]];
  return svg(
    "g",
    {
      class: step.answer ? "arrow answer" : "arrow",
      ...dataOf(step, highlighted),
      "data-to": to,
    },
    svg("title", {}, `${clockTime(step.at)} ${step.from} → ${to}: ${step.label} ${step.detail}`),
    svg("line", {
      x1,
      x2: x2 + (x2 > x1 ? -3 : 3),
      y1: y + 7,
      y2: y + 7,
      "marker-end": step.failed ? "url(#head-failed)" : "url(#head)",
    }),
    svg(
      "text",
      { x: (x1 + x2) / 2, y: y + 2 },
      step.label,
      svg("tspan", { class: "detail" }, step.detail ? `  ${step.detail}` : ""),
    ),
  );
}

function note(step: Step, y: number, highlighted: boolean): SVGElement {
  const x = lifeline[step.from];
  const text = step.detail ? `${step.label} (${step.detail})` : step.label;
  const noteWidth = Math.max(110, text.length * 6.5 + 16);
  return svg(
    "g",
    { class: "note", ...dataOf(step, highlighted) },
    svg("title", {}, `${clockTime(step.at)} status ${text}`),
    svg("rect", { x: x - noteWidth / 2, y: y - 9, width: noteWidth, height: 20, rx: 3 }),
    svg("text", { x, y: y + 5 }, text),
  );
}

const dataOf = (step: Step, highlighted: boolean) => ({
  "data-from": step.from,
  "data-label": step.label,
  "data-seq": String(step.seq),
  "data-failed": String(step.failed),
  "data-verdict": String(highlighted),
});

function markers(): SVGElement {
  const head = (id: string, colour: string) =>
    svg(
      "marker",
      {
        id,
        viewBox: "0 0 10 10",
        refX: 9,
        refY: 5,
        markerWidth: 8,
        markerHeight: 8,
        orient: "auto",
      },
      svg("path", { d: "M0,0 L10,5 L0,10 z", fill: colour }),
    );
  return svg("defs", {}, head("head", "#333"), head("head-failed", "#b3261e"));
}
