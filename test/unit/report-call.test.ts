import { beforeEach, describe, expect, it } from "vitest";
import type { CallState, CallStatus } from "../../core/model.ts";
import type { Sessions } from "../../core/ports.ts";
import { type CallTarget, OneAtATime, ReportCall } from "../../core/use-cases/index.ts";
import { inMemoryStore } from "../contract/fakes/in-memory-store.ts";
import {
  aCall,
  anotherWriterFirst,
  aSession,
  givenStored,
  ownerOf,
  T0,
} from "../support/builders.ts";

const granted = aSession("s1");
const owner = ownerOf(granted);
const ringing = aCall(granted, "c1", { state: "call_ringing" });

let store: ReturnType<typeof inMemoryStore>;
let now: number;
let reportCall: ReportCall;

function reportCallOver(sessions: Sessions): ReportCall {
  let issued = 0;
  return new ReportCall(
    {
      sessions,
      clock: { now: () => now },
      ids: { sessionId: () => "unused", callId: () => `call-${++issued}` },
    },
    new OneAtATime(),
  );
}

beforeEach(() => {
  store = inMemoryStore();
  now = T0 + 60_000;
  reportCall = reportCallOver(store.sessions);
});

const report = (target: CallTarget, status: CallStatus) =>
  reportCall.execute(owner, "s1", target, status);

describe("ReportCall", () => {
  it("create: a first call starts the session and refreshes its last activity", async () => {
    await givenStored(store, granted);

    const reported = await report({ mode: "create", clientCallId: "c1" }, "call_ringing");

    const call = { sessionId: "s1", callId: "call-1", clientCallId: "c1", state: "call_ringing" };
    expect(reported).toEqual({
      ok: true,
      value: { call: { ...call, createdAt: now, statusAt: now }, created: true },
    });
    expect(await store.sessions.getCall("s1", "c1")).toMatchObject(call);
    const session = await store.sessions.get("s1");
    expect(session).toMatchObject({ state: "session_started", statusAt: now, lastActivityAt: now });
    expect(session?.agentReachedAt).toBeUndefined();
    expect(store.data.events.slice(1)).toEqual([
      {
        sessionId: "s1",
        callId: "call-1",
        kind: "call",
        status: "call_ringing",
        actor: owner.clientId,
        at: now,
      },
      {
        sessionId: "s1",
        kind: "session",
        status: "session_started",
        actor: owner.clientId,
        at: now,
      },
    ]);
  });

  it("existing: a call the session does not have is not found, and nothing changes", async () => {
    await givenStored(store, granted, ringing);
    const before = structuredClone(store.data);

    const reported = await report({ mode: "existing", clientCallId: "c2" }, "call_in_call");

    expect(reported).toEqual({ ok: false, error: { kind: "not_found" } });
    expect(store.data).toEqual(before);
  });

  it.each<[string, CallTarget]>([
    ["create: a repeat of its client_call_id", { mode: "create", clientCallId: "c1" }],
    ["existing: its client_call_id", { mode: "existing", clientCallId: "c1" }],
    ["named-or-current: its client_call_id", { mode: "named-or-current", clientCallId: "c1" }],
    ["named-or-current: no name, the live call", { mode: "named-or-current" }],
  ])("%s updates the session's call", async (_, target) => {
    await givenStored(store, granted, ringing);

    const reported = await report(target, "call_in_call");

    expect(reported).toMatchObject({
      ok: true,
      value: { call: { callId: ringing.callId, state: "call_in_call" }, created: false },
    });
    expect(store.data.calls.size).toBe(1);
  });

  it("answers a repeat of the call's own status (a retry whose answer was lost), changing nothing", async () => {
    await givenStored(store, granted, ringing);
    const before = structuredClone(store.data);

    const reported = await report({ mode: "create", clientCallId: "c1" }, "call_ringing");

    expect(reported).toMatchObject({
      ok: true,
      value: { call: { callId: ringing.callId, state: "call_ringing" }, created: false },
    });
    expect(store.data).toEqual(before);
  });

  it("named-or-current: without a name or a live call, makes a call named by its call id", async () => {
    await givenStored(store, granted);

    const reported = await report({ mode: "named-or-current" }, "call_ringing");

    expect(reported).toMatchObject({
      ok: true,
      value: { call: { callId: "call-1", clientCallId: "call-1" }, created: true },
    });
  });

  it("named-or-current: a name the session has no call for makes a call of that name", async () => {
    await givenStored(store, granted);

    const reported = await report({ mode: "named-or-current", clientCallId: "c9" }, "call_ringing");

    expect(reported).toMatchObject({
      ok: true,
      value: { call: { clientCallId: "c9" }, created: true },
    });
  });

  it("keeps a started session's status date and refreshes its last activity", async () => {
    const started = aSession("s1", { state: "session_started" });
    await givenStored(store, started, aCall(started, "c1", { state: "call_in_call" }));
    const events = store.data.events.length;

    await report({ mode: "existing", clientCallId: "c1" }, "call_in_call");

    expect(await store.sessions.get("s1")).toMatchObject({ statusAt: T0, lastActivityAt: now });
    expect(store.data.events.slice(events)).toMatchObject([
      { kind: "call", status: "call_in_call" },
    ]);
  });

  it("takes the session out of the queue when a call first reaches the agent, and only then", async () => {
    await givenStored(store, granted, ringing);
    const reachedAt = now;
    await report({ mode: "existing", clientCallId: "c1" }, "call_in_call");
    now += 30_000;

    await report({ mode: "existing", clientCallId: "c1" }, "call_in_call");

    expect(await store.sessions.get("s1")).toMatchObject({
      agentReachedAt: reachedAt,
      lastActivityAt: now,
    });
  });

  it("hangs up the live call when a new one begins", async () => {
    await givenStored(store, granted, aCall(granted, "c1", { state: "call_in_call" }));

    await report({ mode: "create", clientCallId: "c2" }, "call_ringing");

    expect(await store.sessions.getCall("s1", "c1")).toMatchObject({
      state: "call_ended",
      statusAt: now,
    });
    expect(await store.sessions.liveCall("s1")).toMatchObject({ clientCallId: "c2" });
    expect(store.data.events).toContainEqual({
      sessionId: "s1",
      callId: "call-s1-c1",
      kind: "call",
      status: "call_ended",
      actor: "system",
      at: now,
    });
  });

  it.each<[CallState, CallStatus]>([
    ["call_ended", "call_in_call"],
    ["call_error", "call_ringing"],
    ["call_ringing", "call_reconnected"],
    ["call_in_call", "call_media_pending"],
    ["call_dropped", "call_in_call"],
  ])("refuses a call in %s going to %s, changing nothing", async (state, status) => {
    await givenStored(store, granted, aCall(granted, "c1", { state }));
    const before = structuredClone(store.data);

    const reported = await report({ mode: "existing", clientCallId: "c1" }, status);

    expect(reported).toEqual({
      ok: false,
      error: { kind: "refused_transition", subject: "call", current: state, requested: status },
    });
    expect(store.data).toEqual(before);
  });

  it("refuses a new call that begins dropped, storing nothing", async () => {
    await givenStored(store, granted);
    const before = structuredClone(store.data);

    const reported = await report({ mode: "create", clientCallId: "c1" }, "call_dropped");

    expect(reported).toMatchObject({ ok: false, error: { subject: "call", current: "new" } });
    expect(store.data).toEqual(before);
  });

  it("refuses a call on a session that is over, changing nothing", async () => {
    await givenStored(store, aSession("s1", { state: "session_ended" }));
    const before = structuredClone(store.data);

    const reported = await report({ mode: "create", clientCallId: "c1" }, "call_ringing");

    expect(reported).toEqual({
      ok: false,
      error: {
        kind: "refused_transition",
        subject: "session",
        current: "session_ended",
        requested: "call_ringing",
      },
    });
    expect(store.data).toEqual(before);
  });

  it("does not find another device's session", async () => {
    await givenStored(store, granted);

    const stranger = { ...owner, deviceCode: "another-device" };
    const reported = await reportCall.execute(
      stranger,
      "s1",
      { mode: "named-or-current" },
      "call_ringing",
    );

    expect(reported).toEqual({ ok: false, error: { kind: "not_found" } });
  });

  it("tries again when another writer saved the session first", async () => {
    await givenStored(store, granted);
    const racing = reportCallOver(anotherWriterFirst(store.sessions, { lastActivityAt: T0 + 1 }));

    const reported = await racing.execute(
      owner,
      "s1",
      { mode: "create", clientCallId: "c1" },
      "call_ringing",
    );

    expect(reported).toMatchObject({ ok: true, value: { created: true } });
    expect(store.data.calls.size).toBe(1);
    expect(await store.sessions.get("s1")).toMatchObject({
      state: "session_started",
      lastActivityAt: now,
    });
  });
});
