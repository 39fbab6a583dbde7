import { describe, expect, it } from "vitest";
import { collapseRepeats, formatSummary } from "../../apps/demo/summary.ts";

describe("collapseRepeats", () => {
  it("counts consecutive repeats only", () => {
    expect(collapseRepeats(["a", "b", "b", "b", "a"])).toEqual(["a", "b ×3", "a"]);
    expect(collapseRepeats([])).toEqual([]);
  });
});

describe("formatSummary", () => {
  it("names the session, the room and the statuses seen", () => {
    const lines = formatSummary({
      sessionId: "s-1",
      roomName: "room-1",
      roomAlias: "alias-1",
      nodeUrl: "http://127.0.0.1:8083",
      clientCallId: "c-1",
      callId: "call-1",
      sessionStatuses: ["session_granted", "session_started", "session_ended"],
      callStatuses: ["call_ringing", "call_media_pending", "call_in_call", "call_in_call"],
      pexipEvents: ["participant_sync_begin", "participant_create", "participant_sync_end"],
      agentMedia: { videoFrames: 45, packets: 310, bytes: 123_456 },
      elapsedMs: 4321,
    });
    expect(lines[0]).toBe("session s-1, room room-1 (alias alias-1)");
    expect(lines.join("\n")).toContain("session_granted → session_started → session_ended");
    expect(lines.join("\n")).toContain("call_ringing → call_media_pending → call_in_call ×2");
    expect(lines.join("\n")).toContain("45 video frames, 310 RTP packets, 123 kB");
    expect(lines.at(-1)).toBe("  done in 4.3 s");
  });
});
