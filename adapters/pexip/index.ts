export type { CallAnswer, ParticipantToken, RefreshedToken } from "./answers.ts";
export {
  PexipConferenceClient,
  type PexipConferenceClientOptions,
  type PexipEvent,
} from "./conference-client.ts";
export {
  ConferenceNotFound,
  InvalidPin,
  InvalidToken,
  PexipError,
  PinRequired,
} from "./errors.ts";
export { readServerSentEvents, type ServerSentEvent } from "./server-sent-events.ts";
