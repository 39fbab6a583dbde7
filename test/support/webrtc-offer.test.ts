import { describe, expect, it } from "vitest";
import { createWebRtcOffer } from "./webrtc-offer.ts";

function attributes(sdp: string, name: string): string[] {
  const prefix = `a=${name}:`;
  return sdp
    .split("\r\n")
    .filter((line) => line.startsWith(prefix))
    .map((line) => line.slice(prefix.length));
}

describe("createWebRtcOffer", () => {
  const sdp = createWebRtcOffer();
  const lines = sdp.split("\r\n");

  it("is CRLF-terminated SDP with the session lines first", () => {
    expect(sdp.endsWith("\r\n")).toBe(true);
    expect(sdp).not.toMatch(/[^\r]\n/);
    expect(lines.slice(0, 4)).toEqual([
      "v=0",
      expect.stringMatching(/^o=- \d+ 2 IN IP4 127\.0\.0\.1$/),
      "s=-",
      "t=0 0",
    ]);
    for (const line of lines.slice(0, -1)) expect(line).toMatch(/^[a-z]=\S/);
  });

  it("offers bundled audio then video over DTLS-SRTP", () => {
    const mediaLines = lines.filter((line) => line.startsWith("m="));
    expect(mediaLines).toEqual([
      expect.stringMatching(/^m=audio 9 UDP\/TLS\/RTP\/SAVPF( \d+)+$/),
      expect.stringMatching(/^m=video 9 UDP\/TLS\/RTP\/SAVPF( \d+)+$/),
    ]);
    expect(attributes(sdp, "group")).toEqual(["BUNDLE 0 1"]);
    expect(attributes(sdp, "mid")).toEqual(["0", "1"]);
    expect(attributes(sdp, "setup")).toEqual(["actpass", "actpass"]);
    expect(attributes(sdp, "rtcp-mux")).toEqual([]);
    expect(lines.filter((line) => line === "a=rtcp-mux")).toHaveLength(2);
  });

  it("carries well-formed ICE credentials and a SHA-256 fingerprint", () => {
    for (const ufrag of attributes(sdp, "ice-ufrag"))
      expect(ufrag).toMatch(/^[A-Za-z0-9+/]{4,256}$/);
    for (const pwd of attributes(sdp, "ice-pwd")) expect(pwd).toMatch(/^[A-Za-z0-9+/]{22,256}$/);
    for (const fingerprint of attributes(sdp, "fingerprint")) {
      expect(fingerprint).toMatch(/^sha-256 [0-9A-F]{2}(:[0-9A-F]{2}){31}$/);
    }
  });

  it("declares an rtpmap for every payload type of each m-line", () => {
    const rtpmapped = new Set(attributes(sdp, "rtpmap").map((value) => value.split(" ")[0]));
    const payloadTypes = lines
      .filter((line) => line.startsWith("m="))
      .flatMap((line) => line.split(" ").slice(3));
    for (const payloadType of payloadTypes) expect(rtpmapped).toContain(payloadType);
  });

  it("makes fresh values every time", () => {
    const other = createWebRtcOffer();
    expect(attributes(other, "ice-ufrag")[0]).not.toBe(attributes(sdp, "ice-ufrag")[0]);
    expect(attributes(other, "ice-pwd")[0]).not.toBe(attributes(sdp, "ice-pwd")[0]);
    expect(attributes(other, "fingerprint")[0]).not.toBe(attributes(sdp, "fingerprint")[0]);
    expect(other.split("\r\n")[1]).not.toBe(lines[1]);
  });
});
