import {
  ack,
  callsWebrtcParticipant,
  disconnectCall,
  newCandidate,
  refreshToken,
  releaseToken,
  requestToken,
} from "@pexip/infinity-api";
// Its index re-exports these with `export *` from a directory-style path TypeScript cannot follow.
import { withPin, withToken } from "@pexip/infinity-api/dist/utils.js";

/** infinity-api answers `{status, data}`: the HTTP status and the node's JSON envelope. */
interface Answer {
  status: number;
  data: { result?: unknown } | string;
}

/** The result of a 200 answer, or an error naming the request and what the node said. */
function resultOf<Result>(request: string, answer: Answer): Result {
  if (answer.status !== 200 || typeof answer.data !== "object") {
    throw new Error(`${request} answered ${answer.status}: ${JSON.stringify(answer.data)}`);
  }
  return answer.data.result as Result;
}

interface Granted {
  token: string;
  expires: string;
  participant_uuid: string;
  stun?: { url: string }[];
}

/**
 * A guest in a Pexip conference, through @pexip/infinity-api (the client library the shipped app
 * uses): token kept fresh, events as server-sent events, one WebRTC call.
 */
export class Conference {
  readonly participantUuid: string;
  readonly stunUrls: string[];
  readonly #host: string;
  readonly #alias: string;
  #token: string;
  #refresh: ReturnType<typeof setInterval>;
  #events: EventSource | undefined;
  #callUuid: string | undefined;

  private constructor(host: string, alias: string, granted: Granted) {
    this.#host = host;
    this.#alias = alias;
    this.#token = granted.token;
    this.participantUuid = granted.participant_uuid;
    this.stunUrls = (granted.stun ?? []).map(({ url }) => url);
    // Pexip ends a participant whose token is not refreshed: refresh at half its lifetime.
    this.#refresh = setInterval(() => void this.#refreshToken(), Number(granted.expires) * 500);
  }

  static async join(host: string, alias: string, pin: string, displayName: string) {
    const answer = await requestToken({
      fetcher: withPin(fetch, pin),
      host,
      params: { conferenceAlias: alias },
      body: { display_name: displayName },
    });
    return new Conference(host, alias, resultOf<Granted>("request_token", answer));
  }

  /** Listens to the conference's events (the token travels in the query, as EventSource can). */
  listen(handlers: Record<string, (data: Record<string, unknown>) => void>): void {
    const url = new URL(`${this.#host}/api/client/v2/conferences/${this.#alias}/events`);
    url.searchParams.set("token", this.#token);
    this.#events = new EventSource(url);
    for (const [event, handle] of Object.entries(handlers)) {
      this.#events.addEventListener(event, (message) => handle(JSON.parse(message.data)));
    }
  }

  async call(offerSdp: string): Promise<string> {
    const answer = await callsWebrtcParticipant({
      ...this.#with(),
      params: this.#participant(),
      body: { call_type: "WEBRTC", sdp: offerSdp },
    });
    const made = resultOf<{ call_uuid: string; sdp: string }>("calls", answer);
    this.#callUuid = made.call_uuid;
    return made.sdp;
  }

  async ack(): Promise<void> {
    resultOf("ack", await ack({ ...this.#with(), params: this.#call(), body: {} }));
  }

  /** Trickle ICE; `candidate` "" ends this side's candidates. */
  async newCandidate(candidate: string, mid: string): Promise<void> {
    const answer = await newCandidate({
      ...this.#with(),
      params: this.#call(),
      body: { candidate, mid },
    });
    resultOf("new_candidate", answer);
  }

  async hangUp(): Promise<void> {
    if (!this.#callUuid) return;
    resultOf("disconnect", await disconnectCall({ ...this.#with(), params: this.#call() }));
    this.#callUuid = undefined;
  }

  async leave(): Promise<void> {
    clearInterval(this.#refresh);
    this.#events?.close();
    const params = { conferenceAlias: this.#alias };
    resultOf("release_token", await releaseToken({ ...this.#with(), params, body: {} }));
  }

  async #refreshToken(): Promise<void> {
    const answer = await refreshToken({
      ...this.#with(),
      params: { conferenceAlias: this.#alias },
    });
    this.#token = resultOf<{ token: string }>("refresh_token", answer).token;
  }

  #with() {
    return { fetcher: withToken(fetch, this.#token), host: this.#host };
  }

  #participant() {
    return { conferenceAlias: this.#alias, participantUuid: this.participantUuid };
  }

  #call() {
    if (!this.#callUuid) throw new Error("no call");
    return { ...this.#participant(), callUuid: this.#callUuid };
  }
}
