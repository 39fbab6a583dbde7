import type { ServiceHours } from "../../core/service-hours.ts";

/** Service hours that never close: what most use-case tests need. */
export const openAllDay = (): ServiceHours => ({
  time_zone: "America/Vancouver",
  regular_service_periods: [
    { start_day: "MONDAY", end_day: "SUNDAY", start_time: "00:00", end_time: "23:59" },
  ],
  service_unavailable_periods: [],
});
