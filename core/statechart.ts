import { transition } from "xstate";
import { type CallEventType, callMachine } from "./call-machine.ts";
import type { CallState, SessionState } from "./model.ts";
import { type SessionEffect, type SessionEventType, sessionMachine } from "./session-machine.ts";

/** The outcome of offering an event to a stored state: refused, or the next state and effects. */
export type Step<S, E extends string = never> =
  | { allowed: false }
  | { allowed: true; next: S; effects: readonly E[] };

/**
 * Remembers each (state, event) outcome: the machines hold no context and no guards, so an
 * outcome never changes, and asking XState again would rebuild an actor system per request.
 */
function memoized<S extends string, E extends { type: string }, F extends string>(
  step: (state: S, event: E) => Step<S, F>,
): (state: S, event: E) => Step<S, F> {
  const outcomes = new Map<string, Step<S, F>>();
  return (state, event) => {
    const key = `${state}\n${event.type}`;
    let outcome = outcomes.get(key);
    if (!outcome) {
      outcome = Object.freeze(step(state, event));
      outcomes.set(key, outcome);
    }
    return outcome;
  };
}

/** resolveState → can → transition: pure, so the caller saves before performing effects. */
export const stepSession = memoized(
  (state: SessionState, event: SessionEventType): Step<SessionState, SessionEffect> => {
    const snapshot = sessionMachine.resolveState({ value: state, context: undefined });
    if (!snapshot.can(event)) return { allowed: false };
    const [next, actions] = transition(sessionMachine, snapshot, event);
    return {
      allowed: true,
      next: next.value as SessionState,
      effects: actions.map((a) => a.type as SessionEffect),
    };
  },
);

export const stepCall = memoized((state: CallState, event: CallEventType): Step<CallState> => {
  const snapshot = callMachine.resolveState({ value: state, context: undefined });
  if (!snapshot.can(event)) return { allowed: false };
  const [next] = transition(callMachine, snapshot, event);
  return { allowed: true, next: next.value as CallState, effects: [] };
});

/** Every state a machine defines, for documentation and for checking the API's enums. */
export const sessionMachineStates = Object.keys(sessionMachine.config.states ?? {});
export const callMachineStates = Object.keys(callMachine.config.states ?? {});
