/** Payload bytes per RTP packet: well under a 1500-byte MTU once SRTP and headers are added. */
const MAX_PAYLOAD_BYTES = 1100;

/**
 * Splits one VP8 frame into RTP payloads (RFC 7741): a one-byte payload descriptor each, with the
 * S bit on the first; the caller sets the marker bit on the last.
 */
export function vp8Payloads(frame: Uint8Array): Uint8Array[] {
  const payloads: Uint8Array[] = [];
  for (let at = 0; at < frame.length; at += MAX_PAYLOAD_BYTES) {
    const chunk = frame.subarray(at, at + MAX_PAYLOAD_BYTES);
    const payload = new Uint8Array(chunk.length + 1);
    payload[0] = at === 0 ? 0x10 : 0x00;
    payload.set(chunk, 1);
    payloads.push(payload);
  }
  return payloads;
}
