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

/** A raw connection held open: what it has been answered, and whether the server closed it. */
function rawConnection(
  port: number,
  bytes: string,
  options: { drip?: string; halfOpen?: boolean } = {},
) {
  const socket = connect({ port, host: "127.0.0.1", allowHalfOpen: options.halfOpen ?? false });
  let answer = "";
  socket.on("data", (chunk) => {
    answer += chunk;
  });
  socket.on("error", () => {}); // a reset after the server let go
  socket.write(bytes);
  const dripping = options.drip
    ? setInterval(() => socket.writable && socket.write(options.drip ?? ""), 20)
    : undefined;
  const closed = new Promise<string>((resolve) =>
    socket.on("close", () => {
      clearInterval(dripping);
      resolve(answer);
    }),
  );
  /** Waits until the connection has had this many answers from the app. */
  const answered = (times = 1) =>
    expect.poll(() => answer.split("answered").length - 1, { timeout: 5_000 }).toBe(times);
  return {
    closed,
    answered,
    send: (more: string) => socket.write(more),
    isOpen: () => !socket.destroyed,
    end: () => socket.destroy(),
  };
}

const expectProblemAnswer = (answer: string, status: number) => {
  expect(answer).toMatch(new RegExp(`^HTTP/1\\.1 ${status} `));
  expect(answer.toLowerCase()).toContain("content-type: application/problem+json");
  expect(answer).toContain(`"status":${status}`);
};

describe("listen: slow clients are cut", () => {
  let listener: Listener;
  beforeAll(async () => {
    listener = await listen(0, "127.0.0.1", { headersTimeoutMs: 200, requestTimeoutMs: 400 });
    listener.handle(async (request) => new Response(`read ${(await request.text()).length}`));
  });
  afterAll(() => listener.close());

  it("a request whose headers never end: 408 problem+json, connection closed", async () => {
    const answer = await rawConnection(listener.port, "GET / HTTP/1.1\r\nHost: x\r\n").closed;
    expectProblemAnswer(answer, 408);
  });

  it("a connection that sends nothing is closed with a 408 too", async () => {
    expectProblemAnswer(await rawConnection(listener.port, "").closed, 408);
  });

  it("a body dribbled a byte at a time: 408 problem+json, never reaches the app's answer", async () => {
    const head = "POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 10000\r\n\r\n";
    const answer = await rawConnection(listener.port, head, { drip: "a" }).closed;
    expectProblemAnswer(answer, 408);
    expect(answer).not.toContain("read ");
  });

  it("a peer that keeps its side open after the 408 is let go of", async () => {
    const head = "POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 10000\r\n\r\n";
    const peer = rawConnection(listener.port, head, { drip: "a", halfOpen: true });
    expectProblemAnswer(await peer.closed, 408);
  });
});

describe("listen: at the connection limit", () => {
  let listener: Listener;
  let release: () => void = () => {};
  let holding = 0;
  beforeAll(async () => {
    // Timeouts out of the way: only the limit closes a connection here.
    const long = 60_000;
    listener = await listen(0, "127.0.0.1", {
      maxConnections: 3,
      headersTimeoutMs: long,
      requestTimeoutMs: long,
      keepAliveTimeoutMs: long,
    });
    listener.handle(async (request) => {
      if (new URL(request.url).pathname === "/hold") {
        holding++;
        await new Promise<void>((resolve) => {
          const previous = release;
          release = () => {
            previous();
            resolve();
          };
        });
      }
      return new Response("answered");
    });
  });
  afterAll(() => listener.close());

  const request = (path: string) => `GET ${path} HTTP/1.1\r\nHost: x\r\n\r\n`;
  const newcomer = () =>
    exchange(listener.port, `GET / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n`);
  /** Connections answered once and now idle (keep-alive), in that order. */
  const idleConnections = async (count: number) => {
    const connections = [];
    for (let i = 0; i < count; i++) {
      const connection = rawConnection(listener.port, request("/"));
      await connection.answered();
      connections.push(connection);
    }
    return connections;
  };

  it("a newcomer is answered; the connection idle for longest is closed for it", async () => {
    const [oldest, ...younger] = await idleConnections(3);
    expect(await newcomer()).toMatch(/^HTTP\/1\.1 200 /);
    // The others are still open and still answer; by then the oldest has been closed.
    for (const connection of younger) connection.send(request("/"));
    for (const connection of younger) await connection.answered(2);
    expect(oldest?.isOpen()).toBe(false);
    for (const connection of younger) connection.end();
  });

  it("a connection still sending its headers is closed for a newcomer too", async () => {
    const halfSent = [1, 2, 3].map(() => rawConnection(listener.port, "GET / HTTP/1.1\r\n"));
    expect(await newcomer()).toMatch(/^HTTP\/1\.1 200 /);
    await Promise.race(halfSent.map((connection) => connection.closed));
    expect(halfSent.filter((connection) => connection.isOpen())).toHaveLength(2);
    for (const connection of halfSent) connection.end();
  });

  it("requests being handled are never closed for a newcomer, however old", async () => {
    holding = 0;
    const inFlight = rawConnection(listener.port, request("/hold"));
    await expect.poll(() => holding).toBe(1);
    const [older, younger] = await idleConnections(2);
    expect(await newcomer()).toMatch(/^HTTP\/1\.1 200 /);
    younger?.send(request("/"));
    await younger?.answered(2);
    expect(older?.isOpen()).toBe(false);
    expect(inFlight.isOpen()).toBe(true);
    release();
    await inFlight.answered();
    inFlight.end();
    younger?.end();
  });

  it("when every connection is handling a request, the newcomer gets 503 problem+json", async () => {
    holding = 0;
    const inFlight = [1, 2, 3].map(() => rawConnection(listener.port, request("/hold")));
    await expect.poll(() => holding).toBe(3);
    const answer = await newcomer();
    expectProblemAnswer(answer, 503);
    expect(answer.toLowerCase()).toContain("retry-after: 1");
    expect(inFlight.every((connection) => connection.isOpen())).toBe(true);
    release();
    for (const connection of inFlight) await connection.answered();
    for (const connection of inFlight) connection.end();
  });
});
