import type { SimClock } from "../control/clock.ts";
import type { Random } from "../control/random.ts";
import { base64UrlEncode } from "../shared/encoding.ts";
import type { Attendance, Participant } from "./live-model.ts";

export interface ParticipantTokensOptions {
  clock: SimClock;
  random: Random;
  lifetimeSeconds: number;
  /** A token not refreshed in time ends its participant. */
  expired(attendance: Attendance): void;
}

/** The node's participant tokens: one current token per participant, each on a timer. */
export class ParticipantTokens {
  readonly #options: ParticipantTokensOptions;
  readonly #byToken = new Map<string, Attendance>();

  constructor(options: ParticipantTokensOptions) {
    this.#options = options;
  }

  /** A new token for the participant; the one it had stops working. */
  issue(attendance: Attendance): string {
    const { clock, random, lifetimeSeconds, expired } = this.#options;
    const { participant } = attendance;
    this.revoke(participant);
    const token = base64UrlEncode(random.bytes(96));
    participant.token = token;
    this.#byToken.set(token, attendance);
    participant.cancelExpiry = clock.setTimer(lifetimeSeconds * 1000, () => expired(attendance));
    return token;
  }

  find(token: string | undefined): Attendance | undefined {
    return token ? this.#byToken.get(token) : undefined;
  }

  revoke(participant: Participant): void {
    participant.cancelExpiry?.();
    if (participant.token) this.#byToken.delete(participant.token);
  }

  clear(): void {
    for (const { participant } of this.#byToken.values()) participant.cancelExpiry?.();
    this.#byToken.clear();
  }
}
