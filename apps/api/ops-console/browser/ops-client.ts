import type { LiveSessions, SessionsPage, TimelineView } from "./wire.ts";

/** A problem+json answer of /ops/v2, with the parameters it names when a search was refused. */
export class OpsProblem extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly invalidParameters: { path: string; message: string }[] = [],
  ) {
    super(message);
  }
}

/** The support staff's API, called with the signed-in token. */
export class OpsClient {
  constructor(private readonly token: () => string | undefined) {}

  async sessions(query: URLSearchParams): Promise<SessionsPage> {
    return (await this.#get(`/ops/v2/sessions?${query}`)).json();
  }

  async timeline(sessionId: string): Promise<TimelineView> {
    return (await this.#get(`/ops/v2/sessions/${encodeURIComponent(sessionId)}/timeline`)).json();
  }

  /**
   * Reads `/ops/v2/live` until it ends or `signal` aborts, handing on each `sessions` event.
   * fetch and a stream reader, not EventSource: EventSource cannot send the Authorization header.
   */
  async live(signal: AbortSignal, onSessions: (live: LiveSessions) => void): Promise<void> {
    const answer = await this.#get("/ops/v2/live", signal);
    if (!answer.body) return;
    const reader = answer.body.pipeThrough(new TextDecoderStream()).getReader();
    let buffered = "";
    for (;;) {
      const { value, done } = await reader.read();
      if (done) return;
      buffered += value.replaceAll("\r\n", "\n");
      const events = buffered.split("\n\n");
      buffered = events.pop() ?? "";
      for (const event of events) {
        const { name, data } = parseEvent(event);
        if (name === "sessions") onSessions(JSON.parse(data) as LiveSessions);
      }
    }
  }

  async #get(path: string, signal?: AbortSignal): Promise<Response> {
    const token = this.token();
    if (!token) throw new OpsProblem(401, "Not signed in.");
    const answer = await fetch(path, {
      headers: { authorization: `Bearer ${token}` },
      ...(signal ? { signal } : {}),
    });
    if (!answer.ok) throw await problemOf(answer);
    return answer;
  }
}

/** One server-sent event: its `event:` name and its `data:` lines joined. */
function parseEvent(text: string): { name: string; data: string } {
  let name = "message";
  const data: string[] = [];
  for (const line of text.split("\n")) {
    const colon = line.indexOf(":");
    const field = colon < 0 ? line : line.slice(0, colon);
    const value = colon < 0 ? "" : line.slice(colon + 1).replace(/^ /, "");
    if (field === "event") name = value;
    if (field === "data") data.push(value);
  }
  return { name, data: data.join("\n") };
}

async function problemOf(answer: Response): Promise<OpsProblem> {
  const body = (await answer.json().catch(() => ({}))) as {
    title?: string;
    detail?: string;
    errors?: { path: string; message: string }[];
  };
  const said = [body.title, body.detail].filter(Boolean).join(": ") || answer.statusText;
  const errors = body.errors ?? [];
  const named = errors.map((error) => `${error.path}: ${error.message}`).join("; ");
  return new OpsProblem(answer.status, `${answer.status} ${said}${named && ` (${named})`}`, errors);
}
