/** When the video service takes calls, in the app's own vocabulary (GET /v2/service_hours). */
export interface ServicePeriod {
  start_day: Weekday;
  end_day: Weekday;
  /** "HH:MM", local time in the service's time zone. */
  start_time: string;
  end_time: string;
}

export interface UnavailablePeriod {
  /** When the closure begins and ends (inclusive), in seconds since the epoch, as the app reads them. */
  start_date: number;
  end_date: number;
  reason: "MAINTENANCE" | "HOLIDAY";
  reason_description?: string;
}

export interface ServiceHours {
  time_zone: string;
  regular_service_periods: ServicePeriod[];
  service_unavailable_periods: UnavailablePeriod[];
}

export const weekdays = [
  "MONDAY",
  "TUESDAY",
  "WEDNESDAY",
  "THURSDAY",
  "FRIDAY",
  "SATURDAY",
  "SUNDAY",
] as const;
export type Weekday = (typeof weekdays)[number];

export type Availability =
  | { open: true }
  | { open: false; reason: "outside_service_hours" | "service_unavailable" };

interface LocalTime {
  weekday: number; // 0 = MONDAY
  time: string; // HH:MM
}

/** Whether a new session may be granted at `at` (epoch ms). */
export function availabilityAt(hours: ServiceHours, at: number): Availability {
  const seconds = Math.floor(at / 1000);
  const unavailable = hours.service_unavailable_periods.some(
    (period) => seconds >= period.start_date && seconds <= period.end_date,
  );
  if (unavailable) return { open: false, reason: "service_unavailable" };
  const local = localTime(at, hours.time_zone);
  const open = hours.regular_service_periods.some((period) => covers(period, local));
  return open ? { open: true } : { open: false, reason: "outside_service_hours" };
}

/** Days run from start_day to end_day (wrapping past SUNDAY); each of them start_time–end_time. */
function covers(period: ServicePeriod, local: LocalTime): boolean {
  const first = weekdays.indexOf(period.start_day);
  const last = weekdays.indexOf(period.end_day);
  const dayIn =
    first <= last
      ? local.weekday >= first && local.weekday <= last
      : local.weekday >= first || local.weekday <= last;
  return dayIn && local.time >= period.start_time && local.time <= period.end_time;
}

const formatters = new Map<string, Intl.DateTimeFormat>();
/** The last answer: it holds for a whole minute (time zone offsets are whole minutes). */
let latest: { timeZone: string; minute: number; local: LocalTime } | undefined;

function localTime(at: number, timeZone: string): LocalTime {
  const minute = Math.floor(at / 60_000);
  if (latest?.minute === minute && latest.timeZone === timeZone) return latest.local;
  const local = formatLocalTime(at, timeZone);
  latest = { timeZone, minute, local };
  return local;
}

function formatLocalTime(at: number, timeZone: string): LocalTime {
  let format = formatters.get(timeZone);
  if (!format) {
    format = new Intl.DateTimeFormat("en-CA", {
      timeZone,
      hourCycle: "h23",
      weekday: "long",
      hour: "2-digit",
      minute: "2-digit",
    });
    formatters.set(timeZone, format);
  }
  const parts = Object.fromEntries(format.formatToParts(at).map((p) => [p.type, p.value]));
  return {
    weekday: weekdays.indexOf(String(parts.weekday).toUpperCase() as Weekday),
    time: `${parts.hour}:${parts.minute}`,
  };
}
