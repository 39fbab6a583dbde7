import { describe, expect, it } from "vitest";
import type { CallEventType } from "../../core/call-machine.ts";
import { callStatuses, sessionStatuses } from "../../core/model.ts";
import type { SessionEventType } from "../../core/session-machine.ts";
import {
  callMachineStates,
  sessionMachineStates,
  stepCall,
  stepSession,
} from "../../core/statechart.ts";

// The spec's tables (video-api-v2.md), written out independently of the machine definitions.
const sessionTable: Record<string, Partial<Record<SessionEventType["type"], string>>> = {
  requested: { ALLOCATE: "allocating", DENY: "session_not_granted" },
  allocating: { ROOM_READY: "session_granted", ROOM_FAILED: "session_failed" },
  session_granted: {
    START: "session_started",
    CALL_ACTIVITY: "session_started",
    END: "session_ended",
    EXPIRE: "session_expired",
  },
  session_started: {
    START: "session_started",
    CALL_ACTIVITY: "session_started",
    END: "session_ended",
    EXPIRE: "session_expired",
  },
  session_ended: {},
  session_expired: {},
  session_failed: {},
  session_not_granted: {},
};
const sessionEvents: SessionEventType["type"][] = [
  "ALLOCATE",
  "DENY",
  "ROOM_READY",
  "ROOM_FAILED",
  "START",
  "CALL_ACTIVITY",
  "END",
  "EXPIRE",
];

const hangUps = {
  call_dropped: "call_dropped",
  call_ended: "call_ended",
  call_error: "call_error",
};
const callTable: Record<string, Partial<Record<CallEventType["type"], string>>> = {
  new: {
    call_ringing: "call_ringing",
    call_media_pending: "call_media_pending",
    call_in_call: "call_in_call",
  },
  call_ringing: {
    call_media_pending: "call_media_pending",
    call_in_call: "call_in_call",
    ...hangUps,
    HANG_UP: "call_ended",
  },
  call_media_pending: { call_in_call: "call_in_call", ...hangUps, HANG_UP: "call_ended" },
  call_in_call: { call_in_call: "call_in_call", ...hangUps, HANG_UP: "call_ended" },
  call_dropped: {
    call_reconnected: "call_reconnected",
    call_ended: "call_ended",
    call_error: "call_error",
    HANG_UP: "call_ended",
  },
  call_reconnected: { call_in_call: "call_in_call", ...hangUps, HANG_UP: "call_ended" },
  call_ended: {},
  call_error: {},
};
const callEvents: CallEventType["type"][] = [...callStatuses, "HANG_UP"];

describe("session statechart", () => {
  it("defines exactly the states of the spec, and the API's statuses are its visible ones", () => {
    expect(sessionMachineStates.sort()).toEqual(Object.keys(sessionTable).sort());
    expect([...sessionStatuses].sort()).toEqual(
      sessionMachineStates.filter((s) => s !== "requested" && s !== "allocating").sort(),
    );
  });

  for (const [state, allowed] of Object.entries(sessionTable)) {
    for (const event of sessionEvents) {
      const expected = allowed[event];
      it(`${state} + ${event} → ${expected ?? "refused"}`, () => {
        const step = stepSession(state as never, { type: event });
        if (expected) expect(step).toMatchObject({ allowed: true, next: expected });
        else expect(step).toEqual({ allowed: false });
      });
    }
  }

  it("owes a room deletion and hangs up the live call when a session ends or expires", () => {
    for (const state of ["session_granted", "session_started"] as const) {
      for (const event of ["END", "EXPIRE"] as const) {
        const step = stepSession(state, { type: event });
        expect(step.allowed && step.effects).toEqual(["deleteRoom", "endLiveCall"]);
      }
    }
    const start = stepSession("session_granted", { type: "START" });
    expect(start.allowed && start.effects).toEqual([]);
  });
});

describe("call statechart", () => {
  it("defines exactly the app's call statuses plus new", () => {
    expect(callMachineStates.sort()).toEqual(["new", ...callStatuses].sort());
  });

  for (const [state, allowed] of Object.entries(callTable)) {
    for (const event of callEvents) {
      const expected = allowed[event];
      it(`${state} + ${event} → ${expected ?? "refused"}`, () => {
        const step = stepCall(state as never, { type: event });
        if (expected) expect(step).toMatchObject({ allowed: true, next: expected });
        else expect(step).toEqual({ allowed: false });
      });
    }
  }
});
