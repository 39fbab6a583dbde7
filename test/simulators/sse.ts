export interface ServerSentEvent {
  event: string;
  data: unknown;
}

/** Reads server-sent events from a fetch response, one at a time. */
export class EventReader {
  readonly #reader: ReadableStreamDefaultReader<Uint8Array>;
  readonly #decoder = new TextDecoder();
  #buffer = "";

  constructor(response: Response) {
    if (!response.body) throw new Error("the response has no body");
    this.#reader = response.body.getReader();
  }

  async next(): Promise<ServerSentEvent | undefined> {
    for (;;) {
      const end = this.#buffer.indexOf("\n\n");
      if (end >= 0) {
        const frame = this.#buffer.slice(0, end);
        this.#buffer = this.#buffer.slice(end + 2);
        return parseFrame(frame);
      }
      const { value, done } = await this.#reader.read();
      if (done) return undefined;
      this.#buffer += this.#decoder.decode(value, { stream: true });
    }
  }

  /** The next events, as many as asked. */
  async take(count: number): Promise<ServerSentEvent[]> {
    const events: ServerSentEvent[] = [];
    while (events.length < count) {
      const event = await this.next();
      if (!event) break;
      events.push(event);
    }
    return events;
  }

  async close(): Promise<void> {
    await this.#reader.cancel();
  }
}

function parseFrame(frame: string): ServerSentEvent {
  let event = "message";
  const data: string[] = [];
  for (const line of frame.split("\n")) {
    if (line.startsWith("event:")) event = line.slice(6).trim();
    if (line.startsWith("data:")) data.push(line.slice(5).trim());
  }
  return { event, data: data.length ? JSON.parse(data.join("\n")) : undefined };
}
