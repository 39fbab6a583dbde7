const formats = new Map<string, Intl.DateTimeFormat>();

/** The offset of `timeZone` from UTC at the instant `ms`, in ms (e.g. -8 h in Vancouver's winter). */
function offsetAt(ms: number, timeZone: string): number {
  let format = formats.get(timeZone);
  if (!format) {
    format = new Intl.DateTimeFormat("en-CA", {
      timeZone,
      hourCycle: "h23",
      year: "numeric",
      month: "2-digit",
      day: "2-digit",
      hour: "2-digit",
      minute: "2-digit",
      second: "2-digit",
    });
    formats.set(timeZone, format);
  }
  const part = (type: Intl.DateTimeFormatPartTypes) =>
    Number(format.formatToParts(ms).find((p) => p.type === type)?.value);
  const asUtc = Date.UTC(
    part("year"),
    part("month") - 1,
    part("day"),
    part("hour"),
    part("minute"),
    part("second"),
  );
  return asUtc - Math.floor(ms / 1000) * 1000;
}

/**
 * The instant (epoch seconds) a wall-clock time ("YYYY-MM-DDTHH:MM:SS") names in `timeZone`. Twice
 * at most: the offset at the first guess, then at the answer it gives (which differs only across a
 * daylight-saving change).
 */
export function epochSecondsOf(localTime: string, timeZone: string): number {
  const [date = "", time = "00:00:00"] = localTime.split("T");
  const [year, month, day] = date.split("-").map(Number) as [number, number, number];
  const [hour, minute, second = 0] = time.split(":").map(Number) as [number, number, number?];
  const wall = Date.UTC(year, month - 1, day, hour, minute, second);
  let instant = wall - offsetAt(wall, timeZone);
  instant = wall - offsetAt(instant, timeZone);
  return Math.floor(instant / 1000);
}
