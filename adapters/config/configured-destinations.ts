import type { Destination } from "../../core/model.ts";
import type { Destinations } from "../../core/ports.ts";

/** Destinations from configuration; new sessions go to the first by destination_priority (1 = first). */
export class ConfiguredDestinations implements Destinations {
  private readonly preferred: Destination;

  constructor(private readonly destinations: Destination[]) {
    const [first] = [...destinations].sort((a, b) => a.priority - b.priority);
    if (!first) throw new Error("at least one destination must be configured");
    this.preferred = first;
  }

  all(): Destination[] {
    return this.destinations;
  }

  forNewSession(): Destination {
    return this.preferred;
  }
}
