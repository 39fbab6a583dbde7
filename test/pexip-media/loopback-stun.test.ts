import { createSocket } from "node:dgram";
import { once } from "node:events";
import { afterAll, describe, expect, it } from "vitest";
import { LoopbackStun } from "../../apps/pexip-media/loopback-stun.ts";

describe("LoopbackStun", () => {
  const stun = new LoopbackStun();
  const client = createSocket("udp4");
  afterAll(() => {
    stun.close();
    client.close();
  });

  it("answers a Binding request with the sender's address, XOR-ed with the magic cookie", async () => {
    const [, host, port] = (await stun.url).split(":");
    client.bind(0, "127.0.0.1");
    await once(client, "listening");
    const request = Buffer.alloc(20);
    request.writeUInt16BE(0x0001, 0);
    request.writeUInt32BE(0x2112a442, 4);
    request.fill(7, 8, 20);
    client.send(request, Number(port), host);
    const [response] = (await once(client, "message")) as [Buffer];

    expect(response.readUInt16BE(0)).toBe(0x0101);
    expect(response.subarray(8, 20)).toEqual(request.subarray(8, 20));
    expect(response.readUInt16BE(20)).toBe(0x0020);
    expect(response.readUInt16BE(26) ^ 0x2112).toBe(client.address().port);
    expect((response.readUInt32BE(28) ^ 0x2112a442) >>> 0).toBe(0x7f000001);
  });
});
