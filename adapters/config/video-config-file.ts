import { readFileSync } from "node:fs";
import { z } from "zod";
import type { Destination } from "../../core/model.ts";
import type { Destinations } from "../../core/ports.ts";
import { type ServiceHours, weekdays } from "../../core/service-hours.ts";
import { epochSecondsOf } from "./local-time.ts";

const hhmm = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, "a time like 05:00");
const localDate = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2})?$/, "a date like 2026-12-25 or 2026-12-25T08:00");

/** The file's shape is the app's own vocabulary, so GET /v2/destinations can serve it as is. */
const videoConfig = z.strictObject({
  destinations: z
    .array(
      z.strictObject({
        destination_name: z.string().min(1),
        destination_priority: z.number().int(),
        destination_host: z.string().min(1).optional(),
        max_active_sessions: z.number().int().positive().optional(),
        max_inactive_seconds: z.number().int().positive().optional(),
        max_queue_wait_seconds: z.number().int().positive().optional(),
        number_of_agents: z.number().int().nonnegative().optional(),
      }),
    )
    .min(1),
  service_hours: z.strictObject({
    time_zone: z.string().refine(isTimeZone, "an IANA time zone like America/Vancouver"),
    regular_service_periods: z.array(
      z.strictObject({
        start_day: z.enum(weekdays),
        end_day: z.enum(weekdays),
        start_time: hhmm,
        end_time: hhmm,
      }),
    ),
    service_unavailable_periods: z.array(
      z.strictObject({
        start_date: localDate,
        end_date: localDate,
        reason: z.enum(["MAINTENANCE", "HOLIDAY"]),
        reason_description: z.string().optional(),
      }),
    ),
  }),
});

export type VideoConfigDocument = z.infer<typeof videoConfig>;

function isTimeZone(zone: string): boolean {
  try {
    new Intl.DateTimeFormat("en", { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}

export interface VideoConfigDefaults {
  /** The conference node for destinations that name none. */
  destinationHost: string;
  maxInactiveSeconds: number;
  maxQueueWaitSeconds: number;
  /** Bounds the rooms one destination holds, for destinations that set no max_active_sessions. */
  maxActiveSessions: number;
}

/**
 * Destinations and service hours from a JSON file (read once, at start). New sessions go to the
 * destination with the lowest destination_priority number. Closures are written as local dates
 * ("2026-12-25", the whole day, or "2026-12-24T17:00"), and served as the app reads them: the
 * instants they begin and end in the service's time zone, in seconds since the epoch.
 */
export class VideoConfigFile implements Destinations {
  readonly document: VideoConfigDocument;
  private readonly destinations: Destination[];
  private readonly hours: ServiceHours;

  constructor(path: string, defaults: VideoConfigDefaults) {
    const parsed = videoConfig.safeParse(JSON.parse(readFileSync(path, "utf8")));
    if (!parsed.success) {
      throw new Error(`video configuration ${path} is invalid:\n${z.prettifyError(parsed.error)}`);
    }
    this.document = parsed.data;
    this.destinations = parsed.data.destinations
      .map((d) => ({
        name: d.destination_name,
        priority: d.destination_priority,
        host: d.destination_host ?? defaults.destinationHost,
        maxActiveSessions: d.max_active_sessions ?? defaults.maxActiveSessions,
        maxInactiveSeconds: d.max_inactive_seconds ?? defaults.maxInactiveSeconds,
        maxQueueWaitSeconds: d.max_queue_wait_seconds ?? defaults.maxQueueWaitSeconds,
        numberOfAgents: d.number_of_agents,
      }))
      .sort((a, b) => a.priority - b.priority);
    this.hours = servedHours(parsed.data.service_hours);
  }

  all(): Destination[] {
    return this.destinations;
  }

  forNewSession(): Destination {
    return this.destinations[0] as Destination;
  }

  serviceHours(): ServiceHours {
    return this.hours;
  }
}

/** The file's closures as instants: from the first second of the start to the last of the end. */
function servedHours(hours: VideoConfigDocument["service_hours"]): ServiceHours {
  // A date alone is the whole day; a time, the whole of that minute.
  const at = (local: string, edge: "start" | "end") => {
    const [second, wholeDay] = edge === "start" ? ["00", "00:00:00"] : ["59", "23:59:59"];
    const wall = local.includes("T") ? `${local}:${second}` : `${local}T${wholeDay}`;
    return epochSecondsOf(wall, hours.time_zone);
  };
  return {
    ...hours,
    service_unavailable_periods: hours.service_unavailable_periods.map((period) => ({
      ...period,
      start_date: at(period.start_date, "start"),
      end_date: at(period.end_date, "end"),
    })),
  };
}
