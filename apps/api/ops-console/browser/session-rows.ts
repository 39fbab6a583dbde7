import { el } from "./dom.ts";
import { age, dateTime } from "./format.ts";
import type { SessionSummary } from "./wire.ts";

/** A session as a row of the live and found tables; its id opens its page. */
export function sessionRow(session: SessionSummary): HTMLTableRowElement {
  const status = session.reason ? `${session.status} (${session.reason})` : session.status;
  return el(
    "tr",
    { "data-session-id": session.session_id, "data-status": session.status },
    el(
      "td",
      {},
      el("a", { href: `#session/${session.session_id}`, class: "mono" }, session.session_id),
    ),
    el("td", {}, status),
    el("td", {}, session.destination),
    el(
      "td",
      { class: "number" },
      session.queue_position > 0 ? String(session.queue_position) : "—",
    ),
    el("td", { title: dateTime(session.created_date) }, age(session.created_date)),
    el(
      "td",
      {},
      `${dateTime(session.last_activity_date)} (${age(session.last_activity_date)} ago)`,
    ),
  );
}

/** The counts per status, as chips ("session_started: 3"). */
export function countItems(counts: Record<string, number>): HTMLLIElement[] {
  return Object.entries(counts).map(([status, count]) =>
    el("li", { "data-status": status }, `${status}: ${count}`),
  );
}
