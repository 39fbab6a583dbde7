import { transition } from "xstate";
import { type CallEventType, callMachine } from "./call-machine.ts";
import type { CallState, SessionState } from "./model.ts";
import { type SessionEventType, sessionMachine } from "./session-machine.ts";

/** The outcome of offering an event to a stored state: refused, or the next state and effects. */
export type Step<S> = { allowed: false } | { allowed: true; next: S; effects: string[] };

/** resolveState → can → transition: pure, so the caller saves before performing effects. */
export function stepSession(state: SessionState, event: SessionEventType): Step<SessionState> {
  const snapshot = sessionMachine.resolveState({ value: state, context: undefined });
  if (!snapshot.can(event)) return { allowed: false };
  const [next, actions] = transition(sessionMachine, snapshot, event);
  return { allowed: true, next: next.value as SessionState, effects: actions.map((a) => a.type) };
}

export function stepCall(state: CallState, event: CallEventType): Step<CallState> {
  const snapshot = callMachine.resolveState({ value: state, context: undefined });
  if (!snapshot.can(event)) return { allowed: false };
  const [next] = transition(callMachine, snapshot, event);
  return { allowed: true, next: next.value as CallState, effects: [] };
}

/** Every state a machine defines, for documentation and for checking the API's enums. */
export const sessionMachineStates = Object.keys(sessionMachine.config.states ?? {});
export const callMachineStates = Object.keys(callMachine.config.states ?? {});
