import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { AgentVideo } from "../../apps/pexip-media/agent-video.ts";
import type { CitizenState, Phase } from "../../apps/stack/citizen-page/browser/citizen-call.ts";
import { launchChromium, type TestBrowser } from "../support/chromium.ts";
import { testTls } from "../support/dev-tls.ts";
import { startTestStack, type TestStack } from "../support/stack.ts";

/** Where the mid-call screenshot goes; README's picture is made with this set to its path. */
const SCREENSHOT = process.env.CITIZEN_PAGE_SCREENSHOT ?? join(tmpdir(), "citizen-page.png");

/**
 * The citizen page of `npm start` in a real browser: headless Chromium with a fake camera creates a
 * session, joins the room over HTTPS (Chromium trusts the dev CA, no certificate error is
 * ignored), decodes the agent's video over WebRTC, and ends the session; once with the API over
 * HTTP, once over HTTPS. Without Chromium this fails, loudly: a browser test that passes without a
 * browser would be a lie.
 */
describe("the citizen page in Chromium", () => {
  let chromium: TestBrowser;

  beforeAll(async () => {
    chromium = await launchChromium("the citizen page");
  });
  afterAll(() => chromium?.close());

  describe.each<[AgentVideo, "HTTP" | "HTTPS"]>([
    ["mirror", "HTTP"],
    ["test-pattern", "HTTPS"],
  ])("with the agent's %s, the API over %s", (agentVideo, apiScheme) => {
    let stack: TestStack;
    beforeAll(async () => {
      const { certFile, keyFile } = testTls();
      const apiTls = { TLS_CERT_FILE: certFile, TLS_KEY_FILE: keyFile };
      stack = await startTestStack({ agentVideo, env: apiScheme === "HTTPS" ? apiTls : {} });
    });
    afterAll(() => stack?.close());

    it("calls the agent, shows its video and ends the session", async () => {
      const page = await chromium.context.newPage();
      const pageErrors: string[] = [];
      page.on("pageerror", (error) => pageErrors.push(error.message));
      expect(new URL(stack.urls.api).protocol).toBe(`${apiScheme.toLowerCase()}:`);
      await page.goto(`${stack.urls.api}/demo`);
      await page.click("#start");
      await reach(page, "waiting-for-agent");

      await stack.clock.advance(3000); // the simulated agent answers
      const inCall = await reach(page, "connected", 10);
      expect(inCall.connectionState).toBe("connected");
      if (agentVideo === "test-pattern") await page.screenshot({ path: SCREENSHOT });

      await page.click("#end");
      const ended = await reach(page, "ended");
      expect(ended.callStatuses).toEqual([
        "call_ringing",
        "call_media_pending",
        "call_in_call",
        "call_ended",
      ]);
      expect(ended.detail).toBe("session session_ended");
      expect(pageErrors).toEqual([]);
      await expect.poll(() => stack.simulators.maxconf.rooms()).toEqual([]);
      await page.close();
    });
  });
});

/** Waits for the page to reach `phase` (with that many agent frames decoded), or to fail. */
async function reach(page: Page, phase: Phase, agentFrames = 0): Promise<CitizenState> {
  const state = () => (window as unknown as { citizen: CitizenState }).citizen;
  await page.waitForFunction(
    ({ phase, agentFrames }) => {
      const { citizen } = window as unknown as { citizen: CitizenState };
      const reached = citizen.phase === phase && citizen.agentFramesDecoded >= agentFrames;
      return reached || citizen.phase === "failed";
    },
    { phase, agentFrames },
    { timeout: 10_000 },
  );
  const reached = await page.evaluate(state);
  expect(reached, reached.detail).toMatchObject({ phase });
  return reached;
}
