import { setup } from "xstate";
import type { CallStatus } from "./model.ts";

/** A call status update from the app, or the system hanging up (session ended, call replaced). */
export type CallEventType = { type: CallStatus } | { type: "HANG_UP" };

const hangUps = {
  call_dropped: "call_dropped",
  call_ended: "call_ended",
  call_error: "call_error",
  HANG_UP: "call_ended",
} as const;

export const callMachine = setup({
  types: { events: {} as CallEventType },
}).createMachine({
  id: "call",
  initial: "new",
  states: {
    new: {
      on: {
        call_ringing: "call_ringing",
        call_media_pending: "call_media_pending",
        call_in_call: "call_in_call",
      },
    },
    call_ringing: {
      on: {
        call_media_pending: "call_media_pending",
        call_in_call: "call_in_call",
        ...hangUps,
      },
    },
    call_media_pending: {
      on: { call_in_call: "call_in_call", ...hangUps },
    },
    // Repeating call_in_call is the app's 30-second keep-alive.
    call_in_call: {
      on: { call_in_call: "call_in_call", ...hangUps },
    },
    call_dropped: {
      on: {
        call_reconnected: "call_reconnected",
        call_ended: "call_ended",
        call_error: "call_error",
        HANG_UP: "call_ended",
      },
    },
    call_reconnected: {
      on: { call_in_call: "call_in_call", ...hangUps },
    },
    call_ended: { type: "final" },
    call_error: { type: "final" },
  },
});
