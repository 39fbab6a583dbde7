import { describe, expect, it } from "vitest";
import type { PexipEvent } from "../../adapters/pexip/index.ts";
import { EventFeed } from "../../apps/demo/event-feed.ts";

/** An event stream the test writes to. */
function channel() {
  let push: (event: PexipEvent) => void = () => {};
  let end: () => void = () => {};
  const stream = new ReadableStream<PexipEvent>({
    start(controller) {
      push = (event) => controller.enqueue(event);
      end = () => controller.close();
    },
  });
  async function* events(): AsyncGenerator<PexipEvent> {
    const reader = stream.getReader();
    for (let read = await reader.read(); !read.done; read = await reader.read()) yield read.value;
  }
  return { events: events(), push: (event: PexipEvent) => push(event), end: () => end() };
}

const isAgent = (event: PexipEvent) => event.event === "participant_create";

describe("EventFeed", () => {
  it("finds an event that arrived before anyone waited", async () => {
    const { events, push } = channel();
    const feed = new EventFeed(events);
    push({ event: "participant_create", data: { uuid: "agent" } });
    await new Promise((resolve) => setTimeout(resolve, 10));
    await expect(feed.waitFor("agent", isAgent, 1000)).resolves.toEqual({
      event: "participant_create",
      data: { uuid: "agent" },
    });
  });

  it("waits for an event that arrives later, and keeps every event", async () => {
    const { events, push } = channel();
    const feed = new EventFeed(events);
    const waiting = feed.waitFor("agent", isAgent, 1000);
    push({ event: "participant_sync_end", data: {} });
    push({ event: "participant_create", data: { uuid: "agent" } });
    await expect(waiting).resolves.toMatchObject({ data: { uuid: "agent" } });
    expect(feed.received.map((event) => event.event)).toEqual([
      "participant_sync_end",
      "participant_create",
    ]);
  });

  it("gives up after the timeout, naming what it waited for", async () => {
    const feed = new EventFeed(channel().events);
    await expect(feed.waitFor("agent joining", isAgent, 20)).rejects.toThrow(
      "no agent joining within 20 ms",
    );
  });

  it("fails waiters when the stream ends or Pexip disconnects the participant", async () => {
    const ending = channel();
    const endedFeed = new EventFeed(ending.events);
    const waitingForEnd = endedFeed.waitFor("agent", isAgent, 1000);
    ending.end();
    await expect(waitingForEnd).rejects.toThrow("the Pexip event stream ended");

    const kicking = channel();
    const kickedFeed = new EventFeed(kicking.events);
    const waitingForKick = kickedFeed.waitFor("agent", isAgent, 1000);
    kicking.push({ event: "disconnect", data: { reason: "Conference terminated" } });
    await expect(waitingForKick).rejects.toThrow("Conference terminated");
  });
});
