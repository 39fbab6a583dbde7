import { describe, expect, it } from "vitest";
import { runDemo } from "../../apps/demo/flow.ts";
import { signDeviceToken } from "../../apps/shared/dev-device.ts";
import { sharedTestStack } from "../support/stack.ts";

/**
 * `npm run demo` against `npm start`: the reference client completes the flow with real media
 * (werift on both ends), and no room is left.
 */
describe("the reference mobile-app client", () => {
  const stack = sharedTestStack();

  it("plays the app's part of the seed and leaves no room at MaxConf", async () => {
    const lines: string[] = [];
    const deviceCode = "demo-device";
    const summary = await runDemo({
      api: stack().urls.api,
      clientId: stack().device.clientId,
      deviceCode,
      authorization: async () => `Bearer ${await signDeviceToken(stack().device, deviceCode)}`,
      keepAliveIntervalMs: 0,
      log: (line) => {
        lines.push(line);
        // The simulated agent answers on the simulators' clock: move it once the call is up.
        if (line.includes("report call_media_pending")) void stack().clock.advance(5000);
      },
    });
    expect(summary.sessionStatuses).toEqual([
      "session_granted",
      "session_started",
      "session_ended",
    ]);
    expect(summary.callStatuses).toContain("call_in_call");
    // Real media: the agent's video arrived over WebRTC, and the demo said so.
    expect(summary.agentMedia.videoFrames).toBeGreaterThanOrEqual(8);
    expect(summary.agentMedia.bytes).toBeGreaterThan(0);
    expect(lines.some((line) => line.includes("✓ receive agent video"))).toBe(true);
    expect(lines.every((line) => !line.includes("✗"))).toBe(true);
    await expect.poll(() => stack().simulators.maxconf.rooms()).toEqual([]);
    expect(stack().simulators.tokenServer.tokensIssued()).toBe(1);
  });
});
