/** A failure answered by the conference node; `body` is the parsed JSON answer, or its text. */
export class PexipError extends Error {
  override name = "PexipError";
  constructor(
    message: string,
    readonly status: number,
    readonly body: unknown,
  ) {
    super(message);
  }
}

/** The conference has a PIN and none was sent. */
export class PinRequired extends PexipError {
  override name = "PinRequired";
  /** False when only hosts need a PIN: a guest may then join with the PIN "none". */
  readonly guestPinRequired: boolean;
  constructor(status: number, body: unknown, guestPinRequired: boolean) {
    super("the conference requires a PIN", status, body);
    this.guestPinRequired = guestPinRequired;
  }
}

export class InvalidPin extends PexipError {
  override name = "InvalidPin";
  constructor(status: number, body: unknown) {
    super("the PIN was refused", status, body);
  }
}

export class ConferenceNotFound extends PexipError {
  override name = "ConferenceNotFound";
  constructor(status: number, body: unknown) {
    super("no conference or gateway has this alias", status, body);
  }
}

/** The token is unknown, released or expired: the participant has to request a new one. */
export class InvalidToken extends PexipError {
  override name = "InvalidToken";
  constructor(status: number, body: unknown) {
    super("the token was refused", status, body);
  }
}

/** Maps a non-2xx answer to the most specific error; `body` is the whole parsed answer. */
export function pexipErrorFor(status: number, body: unknown): PexipError {
  const result = isRecord(body) && "result" in body ? body.result : body;
  if (isRecord(result) && result.pin === "required") {
    return new PinRequired(status, body, result.guest_pin === "required");
  }
  const reason = typeof result === "string" ? result.trim().toLowerCase() : "";
  if (reason === "invalid pin") return new InvalidPin(status, body);
  if (reason === "invalid token") return new InvalidToken(status, body);
  if (status === 404 && reason === "neither conference nor gateway found") {
    return new ConferenceNotFound(status, body);
  }
  return new PexipError(`the conference node answered ${status}`, status, body);
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null;
}
