import type { SimClock } from "../control/clock.ts";
import { type BasicCredentials, basicAuthHeader } from "../shared/basic-auth.ts";
import type { LiveConference, Participant } from "./live-model.ts";

export interface EventSinkTarget {
  url?: string;
  auth?: BasicCredentials;
  nodeName: string;
  clock: SimClock;
  fetch: typeof fetch;
}

const DELIVERY_TIMEOUT_MS = 10_000;

/**
 * Pexip's event sink: events are POSTed one at a time, in order. A failed delivery is logged and
 * dropped; it never disturbs the conference.
 */
export class EventSink {
  readonly #target: EventSinkTarget;
  #seq = 0;
  #queue: Promise<void> = Promise.resolve();

  constructor(target: EventSinkTarget) {
    this.#target = target;
  }

  post(event: string, data: Record<string, unknown>): void {
    const { url, auth, nodeName, clock } = this.#target;
    if (!url) return;
    const envelope = {
      node: nodeName,
      seq: ++this.#seq,
      version: 1,
      time: clock.now() / 1000,
      event,
      data,
    };
    this.#queue = this.#queue.then(() => this.#deliver(url, auth, envelope));
  }

  /** Resolves once every event posted so far has been delivered (or given up). */
  async settled(): Promise<void> {
    let queue: Promise<void>;
    do {
      queue = this.#queue;
      await queue;
    } while (queue !== this.#queue);
  }

  reset(): void {
    this.#seq = 0;
  }

  async #deliver(url: string, auth: BasicCredentials | undefined, envelope: { event: string }) {
    try {
      const response = await this.#target.fetch(url, {
        method: "POST",
        headers: {
          "content-type": "application/json",
          ...(auth ? { authorization: basicAuthHeader(auth) } : {}),
        },
        body: JSON.stringify(envelope),
        signal: AbortSignal.timeout(DELIVERY_TIMEOUT_MS),
      });
      await response.body?.cancel();
      if (!response.ok)
        console.warn(`[pexip] event sink refused ${envelope.event}: HTTP ${response.status}`);
    } catch (error) {
      console.warn(
        `[pexip] event sink delivery of ${envelope.event} failed: ${(error as Error).message}`,
      );
    }
  }
}

/** The `data` of a conference event. */
export function conferenceEvent(conference: LiveConference) {
  return {
    name: conference.name,
    conference: conference.name,
    service_type: conference.config.service_type,
    tag: conference.config.tag,
    start_time: conference.startMs / 1000,
  };
}

/** The `data` of a participant event. */
export function participantEvent(conference: LiveConference, participant: Participant) {
  return {
    uuid: participant.uuid,
    conference: conference.name,
    display_name: participant.displayName,
    role: participant.role === "HOST" ? "chair" : "guest",
    protocol: participant.protocol,
    call_direction: participant.isAgent ? "out" : "in",
    call_tag: participant.callTag,
    destination_alias: participant.alias,
    service_tag: conference.config.tag,
    service_type: participant.serviceType,
    has_media: participant.hasMedia,
    connect_time: participant.startMs / 1000,
  };
}
