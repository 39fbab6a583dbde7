/** Why a participant left, in the words Pexip (and `@pexip/infinity-api`) use. */
export const TOKEN_EXPIRED_REASON = "Timer expired awaiting token refresh";
/**
 * A WebRTC peer that stopped answering ICE or sending media. The wording is one of the reasons
 * @pexip/infinity-api knows (#pex196); when exactly Pexip gives it is not documented.
 */
export const MEDIA_TIMEOUT_REASON = "Ice failure";
/** A participant ended by `participants/{uuid}/disconnect`: @pexip/infinity-api's #pex122. */
export const API_DISCONNECT_REASON = "API initiated participant disconnect";
export const TOKEN_RELEASED_REASON = "Participant released its token";
/** The agent, once no citizen is left. */
export const CONFERENCE_ENDED_REASON = "Call disconnected";

const NODE_INITIATED = new Set([TOKEN_EXPIRED_REASON, MEDIA_TIMEOUT_REASON, API_DISCONNECT_REASON]);

/** Whether the node ended the participant (rather than it leaving): its client is told why. */
export function endedByTheNode(reason: string): boolean {
  return NODE_INITIATED.has(reason);
}
