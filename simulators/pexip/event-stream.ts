const encoder = new TextEncoder();

/** One `GET events` connection of one participant (server-sent events). */
export class EventStream {
  readonly participantUuid: string;
  readonly response: Response;
  #controller?: ReadableStreamDefaultController<Uint8Array>;
  #nextId = 1;
  #closed = false;

  constructor(participantUuid: string, onCancel: (stream: EventStream) => void) {
    this.participantUuid = participantUuid;
    const body = new ReadableStream<Uint8Array>({
      start: (controller) => {
        this.#controller = controller;
      },
      cancel: () => {
        this.#closed = true;
        onCancel(this);
      },
    });
    this.response = new Response(body, {
      headers: { "content-type": "text/event-stream", "cache-control": "no-cache" },
    });
  }

  send(event: string, data: unknown): void {
    if (this.#closed) return;
    const frame = `event: ${event}\ndata: ${JSON.stringify(data)}\nid: ${this.#nextId++}\n\n`;
    this.#controller?.enqueue(encoder.encode(frame));
  }

  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#controller?.close();
  }
}
