import { byId, el } from "./dom.ts";
import { clockTime, dateTime } from "./format.ts";
import type { OpsClient } from "./ops-client.ts";
import { sequenceOf, succeeded } from "./sequence-steps.ts";
import { sequenceDiagram } from "./sequence-svg.ts";
import type { Entry, SessionSummary, TimelineView } from "./wire.ts";

/** One session for a ticket: the verdict, the seed's diagram of its rows, every row, Export. */
export class SessionPage {
  /** The session asked for: an answer about another (clicked away from) is dropped. */
  #sessionId: string | undefined;
  #shown: TimelineView | undefined;
  /** The session as the live feed last had it, to read the timeline again when it changes. */
  #lastLive: string | undefined;

  constructor(
    private readonly client: OpsClient,
    private readonly failed: (error: unknown) => void,
  ) {
    byId("refresh").addEventListener("click", () => void this.#load());
    byId("export").addEventListener("click", () => this.#export());
  }

  async show(sessionId: string): Promise<void> {
    this.#sessionId = sessionId;
    this.#lastLive = undefined;
    byId("session-heading").textContent = `Session ${sessionId}`;
    await this.#load();
  }

  close(): void {
    this.#sessionId = undefined;
  }

  /** While the session is live, a change in the feed (or its leaving it) is read at once. */
  liveChanged(live: SessionSummary[]): void {
    if (this.#sessionId === undefined) return;
    const now = live.find((s) => s.session_id === this.#sessionId);
    const seen = now === undefined ? undefined : JSON.stringify(now);
    const before = this.#lastLive;
    this.#lastLive = seen;
    if (before !== undefined && seen !== before) void this.#load();
  }

  async #load(): Promise<void> {
    const sessionId = this.#sessionId;
    if (sessionId === undefined) return;
    try {
      const view = await this.client.timeline(sessionId);
      if (sessionId === this.#sessionId) this.#render(view);
    } catch (error) {
      this.failed(error);
    }
  }

  #render(view: TimelineView): void {
    this.#shown = view;
    const { session, verdict } = view;
    const verdictBox = byId("verdict");
    verdictBox.dataset.blames = verdict.blames;
    verdictBox.dataset.code = verdict.code;
    verdictBox.replaceChildren(
      el("p", {}, el("strong", {}, verdict.code), ` — points at ${blamed[verdict.blames]}`),
      el("p", {}, verdict.summary),
    );
    byId("session-facts").replaceChildren(...facts(session));
    const title = `Sequence of session ${session.session_id}, ${view.entries.length} rows`;
    byId("diagram").replaceChildren(sequenceDiagram(sequenceOf(view.entries), verdict.rows, title));
    byId("deletions")
      .querySelector("tbody")
      ?.replaceChildren(
        ...(view.deletions.length > 0
          ? view.deletions.map(deletionRow)
          : [el("tr", {}, el("td", { colspan: "4" }, "None: the session had no room to delete."))]),
      );
    byId("rows")
      .querySelector("tbody")
      ?.replaceChildren(...view.entries.map((entry) => row(entry, verdict.rows)));
  }

  #export(): void {
    const view = this.#shown;
    if (!view) return;
    const file = new Blob([JSON.stringify(view, null, 2)], { type: "application/json" });
    const link = el("a", {
      href: URL.createObjectURL(file),
      download: `timeline-${view.session.session_id}.json`,
    });
    link.click();
    URL.revokeObjectURL(link.href);
  }
}

const blamed: Record<TimelineView["verdict"]["blames"], string> = {
  "token-server": "the token server (Entra)",
  maxconf: "MaxConf",
  app: "the app",
  pexip: "Pexip (as the app reported)",
  api: "the Video API",
  none: "nothing: no fault found",
};

function facts(session: SessionSummary): HTMLElement[] {
  const pairs: [string, string][] = [
    ["Status", session.reason ? `${session.status} (${session.reason})` : session.status],
    ["Destination", `${session.destination} (${session.destination_host})`],
    ["Room", session.room_name ?? "none"],
    ["Client / device", `${session.client_id} / ${session.device}`],
    ["Created", dateTime(session.created_date)],
    ["Status since", dateTime(session.status_date)],
    ["Last activity", dateTime(session.last_activity_date)],
  ];
  return pairs.flatMap(([name, value]) => [el("dt", {}, name), el("dd", {}, value)]);
}

function deletionRow(deletion: TimelineView["deletions"][number]): HTMLTableRowElement {
  return el(
    "tr",
    {},
    el("td", { class: "mono" }, deletion.room_name),
    el("td", { class: "number" }, String(deletion.attempts)),
    el("td", {}, deletion.delivered_at ? "—" : deletion.next_attempt_at),
    el("td", {}, deletion.delivered_at ?? "not yet"),
  );
}

function row(entry: Entry, verdictRows: number[]): HTMLTableRowElement {
  const [what, outcome, ms, details] = describe(entry);
  const classes = [verdictRows.includes(entry.seq) ? "verdict-row" : "", failed(entry)];
  return el(
    "tr",
    { class: classes.join(" ").trim(), "data-seq": String(entry.seq) },
    el("td", { class: "number" }, String(entry.seq)),
    el("td", { class: "mono", title: entry.at }, clockTime(entry.at)),
    el("td", {}, entry.kind),
    el("td", { class: "mono" }, what),
    el("td", {}, outcome),
    el("td", { class: "number" }, ms),
    el("td", { class: "mono" }, details),
  );
}

function describe(entry: Entry): [string, string, string, string] {
  switch (entry.kind) {
    case "request":
      return [
        `${entry.method} ${entry.route}`,
        [entry.status, entry.problem].filter(Boolean).join(" "),
        String(entry.ms),
        `request ${entry.requestId}`,
      ];
    case "upstream":
      return [
        `${entry.upstream} ${entry.operation}`,
        String(entry.outcome),
        String(entry.ms),
        [`attempt ${entry.attempt}`, `by ${entry.cause}`, entry.requestId]
          .filter(Boolean)
          .join(", "),
      ];
    case "status":
      return [
        `${entry.subject} ${entry.status}`,
        "",
        "",
        [`by ${entry.actor}`, entry.callId && `call ${entry.callId}`].filter(Boolean).join(", "),
      ];
  }
}

const failed = (entry: Entry) =>
  (entry.kind === "request" && entry.status >= 400) ||
  (entry.kind === "upstream" && !succeeded(entry))
    ? "failed"
    : "";
