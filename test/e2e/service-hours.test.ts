import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { sharedTestStack } from "../support/stack.ts";

/** The closures the configuration names as local dates, served as the shipped app reads them. */
const closures = [
  // Today (the test clock starts on 2026-11-25, 10:00 in Vancouver), from 08:00 to 17:00.
  {
    start_date: "2026-11-25T08:00",
    end_date: "2026-11-25T17:00",
    reason: "MAINTENANCE",
    reason_description: "Upgrade",
  },
  { start_date: "2026-12-25", end_date: "2026-12-26", reason: "HOLIDAY" },
];

describe("service hours, as the shipped app reads them", () => {
  const stack = sharedTestStack({
    configure: (dir) => {
      const path = join(dir, "video-config.json");
      writeFileSync(
        path,
        JSON.stringify({
          destinations: [
            { destination_name: "Test Harness Queue Destination", destination_priority: 1 },
          ],
          service_hours: {
            time_zone: "America/Vancouver",
            regular_service_periods: [
              { start_day: "MONDAY", end_day: "SUNDAY", start_time: "00:00", end_time: "23:59" },
            ],
            service_unavailable_periods: closures,
          },
        }),
      );
      return { VIDEO_CONFIG_FILE: path };
    },
  });

  it("serves each closure's start and end as epoch seconds, in the service's time zone", async () => {
    const hours = await stack().asDevice("reads-hours").call("GET", "/video/v2/service_hours");
    expect(hours.body?.service_unavailable_periods).toEqual([
      {
        start_date: Date.parse("2026-11-25T16:00:00Z") / 1000,
        end_date: Date.parse("2026-11-26T01:00:59Z") / 1000,
        reason: "MAINTENANCE",
        reason_description: "Upgrade",
      },
      {
        start_date: Date.parse("2026-12-25T08:00:00Z") / 1000,
        end_date: Date.parse("2026-12-27T07:59:59Z") / 1000,
        reason: "HOLIDAY",
      },
    ]);
  });

  it("reads, with the app's own formatting and check, as closed now and on Christmas Day", async () => {
    const hours = await stack().asDevice("checks-hours").call("GET", "/video/v2/service_hours");
    const periods = hours.body?.service_unavailable_periods as {
      start_date: number;
      end_date: number;
    }[];
    // The app: new Date(s * 1000) in the time zone, and `now >= start_date && now <= end_date`.
    const inTimeZone = (seconds: number) =>
      new Intl.DateTimeFormat("en-US", {
        timeZone: "America/Vancouver",
        dateStyle: "full",
        timeStyle: "short",
      }).format(new Date(seconds * 1000));
    expect(periods.map((p) => inTimeZone(p.start_date))).toEqual([
      "Wednesday, November 25, 2026 at 8:00 AM",
      "Friday, December 25, 2026 at 12:00 AM",
    ]);
    const closedAt = (ms: number) =>
      periods.some((p) => ms / 1000 >= p.start_date && ms / 1000 <= p.end_date);
    expect(closedAt(stack().clock.now())).toBe(true);
    expect(closedAt(Date.parse("2026-12-25T20:00:00Z"))).toBe(true);
    expect(closedAt(Date.parse("2026-12-24T20:00:00Z"))).toBe(false);

    // The service agrees: no session during the closure.
    const created = await stack().asDevice("during-the-closure").create();
    expect(created.body).toMatchObject({
      status: "session_not_granted",
      reason: "service_unavailable",
    });
  });
});
