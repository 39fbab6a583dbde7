import { describe, expect, it } from "vitest";
import { readServerSentEvents, type ServerSentEvent } from "../../../adapters/pexip/index.ts";

function streamOf(chunks: (string | Uint8Array)[]): ReadableStream<Uint8Array> {
  const encoder = new TextEncoder();
  return new ReadableStream({
    start(controller) {
      for (const chunk of chunks) {
        controller.enqueue(typeof chunk === "string" ? encoder.encode(chunk) : chunk);
      }
      controller.close();
    },
  });
}

async function eventsOf(chunks: (string | Uint8Array)[]): Promise<ServerSentEvent[]> {
  const events: ServerSentEvent[] = [];
  for await (const event of readServerSentEvents(streamOf(chunks))) events.push(event);
  return events;
}

/** Every byte in a chunk of its own: the worst split a network can make. */
function byteByByte(text: string): Uint8Array[] {
  return Array.from(new TextEncoder().encode(text), (byte) => Uint8Array.of(byte));
}

describe("readServerSentEvents", () => {
  it("reads named events with JSON data", async () => {
    const text =
      'event: participant_create\ndata: {"uuid":"a"}\n\nevent: participant_sync_end\ndata: {}\n\n';
    expect(await eventsOf([text])).toEqual([
      { event: "participant_create", data: '{"uuid":"a"}' },
      { event: "participant_sync_end", data: "{}" },
    ]);
  });

  it("joins multi-line data with newlines and names unnamed events 'message'", async () => {
    expect(await eventsOf(["data: first\ndata: second\ndata\n\n"])).toEqual([
      { event: "message", data: "first\nsecond\n" },
    ]);
  });

  it("is robust to every chunk boundary, multi-byte characters included", async () => {
    const text = 'event: conference_update\r\ndata: {"name":"Réunion 🎥"}\r\n\r\n';
    expect(await eventsOf(byteByByte(text))).toEqual([
      { event: "conference_update", data: '{"name":"Réunion 🎥"}' },
    ]);
  });

  it("treats CR LF split across chunks as one line break", async () => {
    expect(await eventsOf(["data: a\r", "\ndata: b\r", "\n\r", "\n"])).toEqual([
      { event: "message", data: "a\nb" },
    ]);
  });

  it("accepts CR alone as a line break", async () => {
    expect(await eventsOf(["event: x\rdata: 1\r\r"])).toEqual([{ event: "x", data: "1" }]);
  });

  it("skips comments, keep-alives, unknown fields and events without data", async () => {
    const text = ": keep-alive\n\n:\nretry: 1000\nfoo: bar\n\nevent: lonely\n\ndata: kept\n\n";
    expect(await eventsOf([text])).toEqual([{ event: "message", data: "kept" }]);
  });

  it("strips one space after the colon, no more", async () => {
    expect(await eventsOf(["data:  two spaces\ndata:none\n\n"])).toEqual([
      { event: "message", data: " two spaces\nnone" },
    ]);
  });

  it("resets the event name after each event and keeps the last id", async () => {
    const text = "id: 7\nevent: named\ndata: 1\n\ndata: 2\n\n";
    expect(await eventsOf([text])).toEqual([
      { event: "named", data: "1", id: "7" },
      { event: "message", data: "2", id: "7" },
    ]);
  });

  it("drops an event the stream cut off", async () => {
    expect(await eventsOf(["data: complete\n\ndata: cut"])).toEqual([
      { event: "message", data: "complete" },
    ]);
  });

  it("cancels the stream when the consumer stops early", async () => {
    let cancelled = false;
    const body = new ReadableStream<Uint8Array>({
      pull(controller) {
        controller.enqueue(new TextEncoder().encode("data: tick\n\n"));
      },
      cancel() {
        cancelled = true;
      },
    });
    for await (const event of readServerSentEvents(body)) {
      expect(event.data).toBe("tick");
      break;
    }
    expect(cancelled).toBe(true);
  });
});
