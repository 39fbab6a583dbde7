import { z } from "zod";
import {
  anySuccessAnswer,
  type CallAnswer,
  callAnswer,
  type ParticipantToken,
  participantTokenAnswer,
  type RefreshedToken,
  refreshedTokenAnswer,
} from "./answers.ts";
import { PexipError, pexipErrorFor } from "./errors.ts";
import { readServerSentEvents } from "./server-sent-events.ts";

export interface PexipConferenceClientOptions {
  /** The conference node's origin, e.g. "https://conference.vc.maxconf.ca". */
  nodeUrl: string;
  /** The alias the participant dials (the room alias). */
  alias: string;
  fetch?: typeof fetch;
}

/** An event of the conference's event stream; `data` is parsed JSON when it is JSON. */
export interface PexipEvent {
  event: string;
  data: unknown;
}

interface AutoRefresh {
  onError: (error: unknown) => void;
  timer?: ReturnType<typeof setTimeout>;
}

interface CurrentToken {
  token: string;
  expiresInSeconds: number;
  receivedAt: number;
}

/** One participant of one conference, speaking Pexip Infinity's client REST API v2. */
export class PexipConferenceClient {
  readonly #conferenceUrl: string;
  readonly #fetch: typeof fetch;
  #current: CurrentToken | undefined;
  #participantUuid: string | undefined;
  #autoRefresh: AutoRefresh | undefined;

  constructor(options: PexipConferenceClientOptions) {
    const origin = options.nodeUrl.replace(/\/+$/, "");
    const alias = encodeURIComponent(options.alias);
    this.#conferenceUrl = `${origin}/api/client/v2/conferences/${alias}/`;
    this.#fetch = options.fetch ?? fetch;
  }

  /** The current token, or undefined before `requestToken` and after `releaseToken`. */
  get token(): string | undefined {
    return this.#current?.token;
  }

  get participantUuid(): string | undefined {
    return this.#participantUuid;
  }

  /** Joins the conference; throws PinRequired, InvalidPin, ConferenceNotFound or PexipError. */
  async requestToken(request: { displayName: string; pin?: string }): Promise<ParticipantToken> {
    const headers: Record<string, string> = {};
    if (request.pin !== undefined) headers.pin = request.pin;
    const granted = await this.#post(
      "request_token",
      { display_name: request.displayName },
      participantTokenAnswer,
      headers,
    );
    this.#keep(granted);
    this.#participantUuid = granted.participantUuid;
    return granted;
  }

  async refreshToken(): Promise<RefreshedToken> {
    const refreshed = await this.#post(
      "refresh_token",
      {},
      refreshedTokenAnswer,
      this.#tokenHeader(),
    );
    this.#keep(refreshed);
    this.#scheduleRefresh();
    return refreshed;
  }

  /** Leaves the conference. The token is forgotten even when the node refuses the release. */
  async releaseToken(): Promise<void> {
    const headers = this.#tokenHeader();
    this.stopAutoRefresh();
    this.#current = undefined;
    await this.#post("release_token", {}, anySuccessAnswer, headers);
  }

  /** Refreshes at half of each token's lifetime until stopped; never keeps a process alive. */
  startAutoRefresh(onError: (error: unknown) => void = () => {}): void {
    this.#requireToken();
    this.stopAutoRefresh();
    this.#autoRefresh = { onError };
    this.#scheduleRefresh();
  }

  stopAutoRefresh(): void {
    clearTimeout(this.#autoRefresh?.timer);
    this.#autoRefresh = undefined;
  }

  makeCall(sdpOffer: string): Promise<CallAnswer> {
    const body = { call_type: "WEBRTC", sdp: sdpOffer, fecc_supported: false };
    return this.#post(this.#callsPath(), body, callAnswer, this.#tokenHeader());
  }

  /** Tells the node the answer was applied, so that media may start. */
  async ack(callUuid: string): Promise<void> {
    await this.#post(this.#callPath(callUuid, "ack"), {}, anySuccessAnswer, this.#tokenHeader());
  }

  /** Trickle ICE: one of this side's candidates, sent once the call exists; "" ends them. */
  async newCandidate(callUuid: string, candidate: { candidate: string; mid: string }) {
    const path = this.#callPath(callUuid, "new_candidate");
    await this.#post(path, candidate, anySuccessAnswer, this.#tokenHeader());
  }

  async disconnectCall(callUuid: string): Promise<void> {
    const path = this.#callPath(callUuid, "disconnect");
    await this.#post(path, {}, anySuccessAnswer, this.#tokenHeader());
  }

  /** The conference's events, roster replay first; ends quietly once `signal` aborts. */
  async *events(signal?: AbortSignal): AsyncGenerator<PexipEvent> {
    try {
      const response = await this.#send("events", {
        headers: { ...this.#tokenHeader(), accept: "text/event-stream" },
        signal,
      });
      if (!response.body) {
        throw new PexipError("the event stream has no body", response.status, null);
      }
      for await (const { event, data } of readServerSentEvents(response.body)) {
        // Events already read from the network when the signal aborted are not wanted any more.
        if (signal?.aborted) return;
        yield { event, data: parseJsonOrKeep(data) };
      }
    } catch (error) {
      if (signal?.aborted) return;
      throw error;
    }
  }

  #keep(granted: { token: string; expiresInSeconds: number }): void {
    const { token, expiresInSeconds } = granted;
    this.#current = { token, expiresInSeconds, receivedAt: Date.now() };
  }

  #scheduleRefresh(): void {
    const autoRefresh = this.#autoRefresh;
    const current = this.#current;
    if (!autoRefresh || !current) return;
    clearTimeout(autoRefresh.timer);
    const dueAt = current.receivedAt + (current.expiresInSeconds * 1000) / 2;
    autoRefresh.timer = setTimeout(
      () => {
        // A successful refresh schedules the next one itself.
        this.refreshToken().catch((error: unknown) => {
          if (this.#autoRefresh !== autoRefresh) return;
          this.stopAutoRefresh();
          autoRefresh.onError(error);
        });
      },
      Math.max(0, dueAt - Date.now()),
    );
    unrefTimer(autoRefresh.timer);
  }

  #requireToken(): CurrentToken {
    if (!this.#current) throw new Error("no Pexip token: call requestToken first");
    return this.#current;
  }

  #tokenHeader(): { token: string } {
    return { token: this.#requireToken().token };
  }

  #callsPath(): string {
    if (!this.#participantUuid) throw new Error("no participant: call requestToken first");
    return `participants/${encodeURIComponent(this.#participantUuid)}/calls`;
  }

  #callPath(callUuid: string, action: "ack" | "new_candidate" | "disconnect"): string {
    return `${this.#callsPath()}/${encodeURIComponent(callUuid)}/${action}`;
  }

  async #post<Answer>(
    path: string,
    body: unknown,
    answer: z.ZodType<Answer, unknown>,
    headers: Record<string, string>,
  ): Promise<Answer> {
    const response = await this.#send(path, {
      method: "POST",
      headers: { ...headers, "content-type": "application/json" },
      body: JSON.stringify(body),
    });
    const received = await readJsonOrText(response);
    const parsed = answer.safeParse(received);
    if (!parsed.success) {
      const message = `unexpected answer to ${path}: ${z.prettifyError(parsed.error)}`;
      throw new PexipError(message, response.status, received);
    }
    return parsed.data;
  }

  /** Sends a request; a non-2xx answer becomes the matching PexipError. */
  async #send(path: string, init: RequestInit): Promise<Response> {
    const response = await this.#fetch(this.#conferenceUrl + path, init);
    if (!response.ok) throw pexipErrorFor(response.status, await readJsonOrText(response));
    return response;
  }
}

async function readJsonOrText(response: Response): Promise<unknown> {
  return parseJsonOrKeep(await response.text());
}

function parseJsonOrKeep(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

/** Node's timers have unref(); Deno offers Deno.unrefTimer(); browsers have neither. */
function unrefTimer(timer: ReturnType<typeof setTimeout>): void {
  if (typeof timer === "object" && timer !== null && "unref" in timer) {
    timer.unref();
    return;
  }
  const deno = (globalThis as { Deno?: { unrefTimer(id: number): void } }).Deno;
  if (typeof timer === "number") deno?.unrefTimer(timer);
}
