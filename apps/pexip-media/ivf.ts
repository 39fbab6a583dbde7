/**
 * IVF, the simplest container of VP8 frames: a 32-byte file header, then each frame as a 12-byte
 * header (size, timestamp) and its bytes. Only what the test pattern needs.
 */
export interface IvfVideo {
  width: number;
  height: number;
  framesPerSecond: number;
  frames: Uint8Array[];
}

const FILE_HEADER_BYTES = 32;
const FRAME_HEADER_BYTES = 12;

export function readIvf(bytes: Uint8Array): IvfVideo {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const signature = new TextDecoder().decode(bytes.subarray(0, 4));
  const codec = new TextDecoder().decode(bytes.subarray(8, 12));
  if (signature !== "DKIF" || codec !== "VP80") throw new Error("not an IVF file of VP8 frames");
  const frames: Uint8Array[] = [];
  for (let at = view.getUint16(6, true); at < bytes.length; ) {
    const size = view.getUint32(at, true);
    frames.push(bytes.subarray(at + FRAME_HEADER_BYTES, at + FRAME_HEADER_BYTES + size));
    at += FRAME_HEADER_BYTES + size;
  }
  return {
    width: view.getUint16(12, true),
    height: view.getUint16(14, true),
    framesPerSecond: view.getUint32(16, true) / view.getUint32(20, true),
    frames,
  };
}

export function writeIvf(video: IvfVideo): Uint8Array {
  const total = video.frames.reduce(
    (sum, frame) => sum + FRAME_HEADER_BYTES + frame.length,
    FILE_HEADER_BYTES,
  );
  const bytes = new Uint8Array(total);
  const view = new DataView(bytes.buffer);
  bytes.set(new TextEncoder().encode("DKIF"), 0);
  view.setUint16(4, 0, true);
  view.setUint16(6, FILE_HEADER_BYTES, true);
  bytes.set(new TextEncoder().encode("VP80"), 8);
  view.setUint16(12, video.width, true);
  view.setUint16(14, video.height, true);
  view.setUint32(16, video.framesPerSecond, true);
  view.setUint32(20, 1, true);
  view.setUint32(24, video.frames.length, true);
  let at = FILE_HEADER_BYTES;
  video.frames.forEach((frame, index) => {
    view.setUint32(at, frame.length, true);
    view.setBigUint64(at + 4, BigInt(index), true);
    bytes.set(frame, at + FRAME_HEADER_BYTES);
    at += FRAME_HEADER_BYTES + frame.length;
  });
  return bytes;
}
