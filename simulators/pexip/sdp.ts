import type { Random } from "../control/random.ts";
import { base64UrlEncode } from "../shared/encoding.ts";

const DIRECTION_ANSWER: Record<string, string> = {
  sendrecv: "sendrecv",
  sendonly: "recvonly",
  recvonly: "sendonly",
  inactive: "inactive",
};

/** Offer attributes an answer repeats for the payloads and transport it accepts. */
const COPIED_ATTRIBUTES = [
  "a=mid:",
  "a=rtpmap:",
  "a=fmtp:",
  "a=rtcp-fb:",
  "a=extmap:",
  "a=sctp-port:",
  "a=max-message-size:",
];
const COPIED_FLAGS = new Set(["a=rtcp-mux", "a=rtcp-rsize"]);

/**
 * A syntactically valid SDP answer to a WebRTC offer: the same m-lines, mirrored directions, fresh
 * ICE credentials and DTLS fingerprint. No media ever flows; undefined when the offer is not SDP.
 */
export function answerSdp(offer: string, random: Random, address: string): string | undefined {
  const lines = offer.split(/\r?\n/).filter((line) => line.length > 0);
  if (lines[0] !== "v=0") return undefined;
  const firstMedia = lines.findIndex((line) => line.startsWith("m="));
  if (firstMedia < 0) return undefined;

  const sessionLines = lines.slice(0, firstMedia);
  const sections: string[][] = [];
  for (const line of lines.slice(firstMedia)) {
    if (line.startsWith("m=")) sections.push([line]);
    else sections.at(-1)?.push(line);
  }

  const ufrag = base64UrlEncode(random.bytes(6));
  const pwd = base64UrlEncode(random.bytes(18));
  const fingerprint = Array.from(random.bytes(32), (byte) =>
    byte.toString(16).padStart(2, "0").toUpperCase(),
  ).join(":");
  const bundle = sessionLines.find((line) => line.startsWith("a=group:BUNDLE"));
  const answer = ["v=0", `o=- ${random.digits(18)} 1 IN IP4 ${address}`, "s=-", "t=0 0"];
  if (bundle) answer.push(bundle);

  sections.forEach((section, index) => {
    const [kind = "", port = "0", proto = "", ...formats] = (section[0] ?? "").slice(2).split(" ");
    const mediaPort = port === "0" ? 0 : 40000 + index * 2;
    answer.push(`m=${kind} ${mediaPort} ${proto} ${formats.join(" ")}`, `c=IN IP4 ${address}`);
    const attributes = section.slice(1);
    const copied = attributes.filter(
      (line) =>
        COPIED_FLAGS.has(line) || COPIED_ATTRIBUTES.some((prefix) => line.startsWith(prefix)),
    );
    if (mediaPort === 0) {
      answer.push(...copied.filter((line) => line.startsWith("a=mid:")));
      return;
    }
    const offeredSetup = attributes.find((line) => line.startsWith("a=setup:"))?.slice(8);
    answer.push(
      `a=ice-ufrag:${ufrag}`,
      `a=ice-pwd:${pwd}`,
      `a=fingerprint:sha-256 ${fingerprint}`,
      `a=setup:${offeredSetup === "active" ? "passive" : "active"}`,
      ...copied,
    );
    if (kind === "audio" || kind === "video") {
      const offered = attributes
        .find((line) => Object.hasOwn(DIRECTION_ANSWER, line.slice(2)))
        ?.slice(2);
      answer.push(`a=${DIRECTION_ANSWER[offered ?? "sendrecv"]}`);
    }
    if (!bundle || index === 0) {
      answer.push(
        `a=candidate:1 1 udp 2130706431 ${address} ${mediaPort} typ host`,
        "a=end-of-candidates",
      );
    }
  });
  return `${answer.join("\r\n")}\r\n`;
}
