import { setup } from "xstate";

/**
 * What may happen to a video session. The machine holds no data: the stored row is the state,
 * and the actions name side effects for the use case to perform after saving.
 */
export type SessionEventType =
  | { type: "ALLOCATE" }
  | { type: "DENY" }
  | { type: "ROOM_READY" }
  | { type: "ROOM_FAILED" }
  | { type: "START" }
  | { type: "CALL_ACTIVITY" }
  | { type: "END" }
  | { type: "EXPIRE" };

/** The side effects a transition names, performed by the use case through ports after saving. */
const effects = {
  deleteRoom: () => {},
  endLiveCall: () => {},
};
export type SessionEffect = keyof typeof effects;

const leaveRoom: SessionEffect[] = ["deleteRoom", "endLiveCall"];
const whileLive = {
  START: "session_started",
  CALL_ACTIVITY: "session_started",
  END: { target: "session_ended", actions: leaveRoom },
  EXPIRE: { target: "session_expired", actions: leaveRoom },
} as const;

export const sessionMachine = setup({
  types: { events: {} as SessionEventType },
  actions: effects,
}).createMachine({
  id: "session",
  initial: "requested",
  states: {
    requested: {
      on: { ALLOCATE: "allocating", DENY: "session_not_granted" },
    },
    allocating: {
      on: { ROOM_READY: "session_granted", ROOM_FAILED: "session_failed" },
    },
    // Granted (the citizen has not called yet) and started take the same events.
    session_granted: { on: whileLive },
    session_started: { on: whileLive },
    session_ended: { type: "final" },
    session_expired: { type: "final" },
    session_failed: { type: "final" },
    session_not_granted: { type: "final" },
  },
});
