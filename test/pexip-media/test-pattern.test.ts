import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { readIvf, writeIvf } from "../../apps/pexip-media/ivf.ts";
import { vp8Payloads } from "../../apps/pexip-media/vp8-packets.ts";

const fixture = readFileSync(new URL("../../apps/pexip-media/test-pattern.ivf", import.meta.url));
/** VP8's frame tag (RFC 6386, 9.1): bit 0 of the first byte is 0 on a key frame. */
const isKeyFrame = (frame: Uint8Array) => ((frame[0] ?? 1) & 1) === 0;

describe("the test pattern", () => {
  it("is 2 s of 320×240 VP8 at 15 fps, a key frame each second", () => {
    const video = readIvf(fixture);
    expect(video).toMatchObject({ width: 320, height: 240, framesPerSecond: 15 });
    expect(video.frames).toHaveLength(30);
    const keyFrames = video.frames.flatMap((frame, index) => (isKeyFrame(frame) ? [index] : []));
    expect(keyFrames).toEqual([0, 15]);
  });

  it("survives writing and reading back", () => {
    const video = readIvf(fixture);
    expect(Buffer.from(writeIvf(video))).toEqual(fixture);
  });
});

describe("vp8Payloads", () => {
  it("splits a frame into packets with the start bit on the first only", () => {
    const frame = Uint8Array.from({ length: 2500 }, (_, index) => index % 251);
    const payloads = vp8Payloads(frame);
    expect(payloads.map((payload) => payload[0])).toEqual([0x10, 0x00, 0x00]);
    expect(payloads.every((payload) => payload.length <= 1101)).toBe(true);
    const joined = Buffer.concat(payloads.map((payload) => payload.subarray(1)));
    expect(joined).toEqual(Buffer.from(frame));
  });
});
