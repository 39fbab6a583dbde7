/** Times as support staff read them beside logs: UTC, to the millisecond. */
export const clockTime = (iso: string) => iso.slice(11, 23);

/** `last_activity_date` and the like are epoch seconds. */
export const fromSeconds = (seconds: number) => new Date(seconds * 1000).toISOString();

/** How long ago, roughly ("45 s", "12 min", "3 h"); a date ahead of this browser's clock is "0 s". */
export function age(seconds: number, now = Date.now()): string {
  const elapsed = Math.max(0, Math.round(now / 1000 - seconds));
  if (elapsed < 120) return `${elapsed} s`;
  if (elapsed < 7200) return `${Math.round(elapsed / 60)} min`;
  return `${Math.round(elapsed / 3600)} h`;
}

/** A date as a readable line: "2026-11-25 18:00:05 UTC". */
export const dateTime = (seconds: number) =>
  `${fromSeconds(seconds).slice(0, 19).replace("T", " ")} UTC`;
