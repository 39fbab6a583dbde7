import { readFileSync } from "node:fs";
import { connect as connectTcp } from "node:net";
import { connect as connectTls } from "node:tls";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Listener, listen } from "../../apps/shared/listen.ts";
import { testTls } from "../support/dev-tls.ts";

/** A TLS connection that trusts the run's dev CA only, and what it was answered. */
function tlsConnection(port: number, bytes: string) {
  const socket = connectTls({ port, host: "127.0.0.1", ca: readFileSync(testTls().caFile) });
  let answer = "";
  socket.on("data", (chunk) => {
    answer += chunk;
  });
  socket.on("error", () => {});
  socket.write(bytes);
  const closed = new Promise<string>((resolve) => socket.on("close", () => resolve(answer)));
  return {
    closed,
    answer: () => answer,
    isOpen: () => !socket.destroyed,
    end: () => socket.destroy(),
  };
}

describe("listen over TLS: the same limits as over HTTP", () => {
  let listener: Listener;
  beforeAll(async () => {
    listener = await listen(
      0,
      "127.0.0.1",
      { headersTimeoutMs: 300, requestTimeoutMs: 600, maxConnections: 2 },
      testTls(),
    );
    listener.handle((request) => new Response(`answered ${new URL(request.url).protocol}`));
  });
  afterAll(() => listener.close());

  it("serves HTTPS with the dev certificate, and the app sees https URLs", async () => {
    expect(listener.url).toMatch(/^https:\/\/127\.0\.0\.1:\d+$/);
    expect(await (await fetch(listener.url)).text()).toBe("answered https:");
  });

  it("a request whose headers never end: 408 problem+json, connection closed", async () => {
    const answer = await tlsConnection(listener.port, "GET / HTTP/1.1\r\nHost: x\r\n").closed;
    expect(answer).toMatch(/^HTTP\/1\.1 408 /);
    expect(answer.toLowerCase()).toContain("content-type: application/problem+json");
  });

  it("a connection that never starts its handshake is let go of", async () => {
    const socket = connectTcp(listener.port, "127.0.0.1");
    await new Promise((resolve) => socket.on("close", resolve));
  });

  it("at the connection limit, the connection idle for longest is closed for a newcomer", async () => {
    const request = "GET / HTTP/1.1\r\nHost: x\r\n\r\n";
    const oldest = tlsConnection(listener.port, request);
    await expect.poll(oldest.answer).toContain("answered");
    const younger = tlsConnection(listener.port, request);
    await expect.poll(younger.answer).toContain("answered");
    const newcomer = tlsConnection(
      listener.port,
      `${request.slice(0, -2)}Connection: close\r\n\r\n`,
    );
    expect(await newcomer.closed).toMatch(/^HTTP\/1\.1 200 /);
    await oldest.closed;
    expect(younger.isOpen()).toBe(true);
    younger.end();
  });
});
