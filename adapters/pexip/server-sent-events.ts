/** One event of a `text/event-stream`, as the WHATWG HTML standard defines its parsing. */
export interface ServerSentEvent {
  event: string;
  data: string;
  id?: string;
}

const LINE_BREAK = /\r\n|\r|\n/g;

/** Yields the events of a stream; an event cut off by the end of the stream is dropped. */
export async function* readServerSentEvents(
  body: ReadableStream<Uint8Array>,
): AsyncGenerator<ServerSentEvent> {
  const reader = body.getReader();
  const decoder = new TextDecoder();
  const fields = new EventFields();
  let unfinishedLine = "";
  try {
    while (true) {
      const { done, value } = await reader.read();
      const text =
        unfinishedLine + (done ? decoder.decode() : decoder.decode(value, { stream: true }));
      const { lines, rest } = splitLines(text, done);
      unfinishedLine = rest;
      for (const line of lines) {
        const event = fields.accept(line);
        if (event) yield event;
      }
      if (done) return;
    }
  } finally {
    // Closes the connection when the consumer stops early; harmless once the stream has ended.
    await reader.cancel().catch(() => {});
  }
}

function splitLines(text: string, final: boolean): { lines: string[]; rest: string } {
  const lines: string[] = [];
  let start = 0;
  for (const match of text.matchAll(LINE_BREAK)) {
    // A "\r" ending a chunk may be the first half of a "\r\n" split across two chunks.
    if (!final && match[0] === "\r" && match.index === text.length - 1) break;
    lines.push(text.slice(start, match.index));
    start = match.index + match[0].length;
  }
  return { lines, rest: text.slice(start) };
}

/** Accumulates the fields of the event being read; a blank line completes it. */
class EventFields {
  #type = "";
  #data: string[] = [];
  #lastEventId: string | undefined;

  accept(line: string): ServerSentEvent | undefined {
    if (line === "") return this.#dispatch();
    if (line.startsWith(":")) return undefined; // a comment, often a keep-alive
    const colon = line.indexOf(":");
    const field = colon === -1 ? line : line.slice(0, colon);
    let value = colon === -1 ? "" : line.slice(colon + 1);
    if (value.startsWith(" ")) value = value.slice(1);
    if (field === "event") this.#type = value;
    else if (field === "data") this.#data.push(value);
    else if (field === "id" && !value.includes("\0")) this.#lastEventId = value;
    return undefined;
  }

  #dispatch(): ServerSentEvent | undefined {
    const type = this.#type || "message";
    const data = this.#data;
    this.#type = "";
    this.#data = [];
    if (data.length === 0) return undefined;
    const event: ServerSentEvent = { event: type, data: data.join("\n") };
    if (this.#lastEventId !== undefined) event.id = this.#lastEventId;
    return event;
  }
}
