import { connect } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Listener, listen } from "../../apps/shared/listen.ts";

/** What the server writes back to raw bytes, until it closes or goes quiet. */
function exchange(port: number, raw: string): Promise<string> {
  return new Promise((resolve) => {
    const socket = connect(port, "127.0.0.1");
    let answer = "";
    socket.on("data", (chunk) => {
      answer += chunk;
    });
    const done = () => {
      socket.destroy();
      resolve(answer);
    };
    socket.on("close", done);
    socket.setTimeout(500, done);
    socket.write(raw);
  });
}

/** Requests Node refuses before any app sees them are answered in problem+json too. */
describe("listen: requests that never reach an app", () => {
  let listener: Listener;
  beforeAll(async () => {
    listener = await listen(0);
    listener.handle(() => new Response("reached the app"));
  });
  afterAll(() => listener.close());

  const cases = [
    ["a control character in the path", "GET /a\x01b HTTP/1.1\r\nHost: x\r\n\r\n", 400],
    ["no Host header", "GET / HTTP/1.1\r\n\r\n", 400],
    ["an unusable Host header", "GET / HTTP/1.1\r\nHost: a b\r\n\r\n", 400],
    ["an Expect other than 100-continue", "GET / HTTP/1.1\r\nHost: x\r\nExpect: tea\r\n\r\n", 417],
    ["headers too large", `GET / HTTP/1.1\r\nHost: x\r\nX: ${"a".repeat(20_000)}\r\n\r\n`, 431],
  ] as const;
  for (const [what, raw, status] of cases) {
    it(`${what}: ${status} problem+json`, async () => {
      const answer = await exchange(listener.port, raw);
      expect(answer).toMatch(new RegExp(`^HTTP/1\\.1 ${status} `));
      expect(answer.toLowerCase()).toContain("content-type: application/problem+json");
      expect(answer).toContain(`"status":${status}`);
      expect(answer).not.toContain("reached the app");
    });
  }
});
