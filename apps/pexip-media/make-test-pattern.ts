import { writeFileSync } from "node:fs";
import { chromium } from "playwright-core";
import { writeIvf } from "./ivf.ts";

/**
 * Regenerates test-pattern.ivf, the simulated agent's optional video: colour bars, a caption and a
 * moving marker, VP8-encoded by Chromium's WebCodecs (Node has no VP8 encoder). Run by hand:
 * `npx tsx apps/pexip-media/make-test-pattern.ts` (needs /usr/bin/chromium).
 */
const WIDTH = 320;
const HEIGHT = 240;
const FRAMES_PER_SECOND = 15;
const FRAME_COUNT = 30;
/** A key frame each second: a viewer that joins mid-loop sees a picture within a second. */
const KEY_FRAME_EVERY = 15;

const browser = await chromium.launch({
  executablePath: "/usr/bin/chromium",
  args: ["--no-sandbox"],
});
try {
  const page = await browser.newPage();
  // WebCodecs needs a secure context: serve an empty page as http://localhost.
  await page.route("http://localhost/", (route) =>
    route.fulfill({ contentType: "text/html", body: "<!doctype html><title>encoder</title>" }),
  );
  // tsx names functions with a `__name` helper that the page lacks.
  await page.addInitScript("globalThis.__name = (target) => target");
  await page.goto("http://localhost/");
  const encoded = await page.evaluate(encodeInBrowser, {
    width: WIDTH,
    height: HEIGHT,
    framesPerSecond: FRAMES_PER_SECOND,
    frameCount: FRAME_COUNT,
    keyFrameEvery: KEY_FRAME_EVERY,
  });
  const frames = encoded.map((frame) => Uint8Array.from(atob(frame), (char) => char.charCodeAt(0)));
  const file = new URL("./test-pattern.ivf", import.meta.url);
  writeFileSync(
    file,
    writeIvf({ width: WIDTH, height: HEIGHT, framesPerSecond: FRAMES_PER_SECOND, frames }),
  );
  const bytes = frames.reduce((sum, frame) => sum + frame.length, 0);
  console.log(`wrote ${file.pathname}: ${frames.length} frames, ${bytes} bytes of VP8`);
} finally {
  await browser.close();
}

/** Runs in the page: draws each frame on a canvas and encodes it; answers base64 frames. */
async function encodeInBrowser(spec: {
  width: number;
  height: number;
  framesPerSecond: number;
  frameCount: number;
  keyFrameEvery: number;
}): Promise<string[]> {
  const canvas = new OffscreenCanvas(spec.width, spec.height);
  const context = canvas.getContext("2d");
  if (!context) throw new Error("no 2d canvas");
  const chunks: string[] = [];
  const encoder = new VideoEncoder({
    output: (chunk) => {
      const bytes = new Uint8Array(chunk.byteLength);
      chunk.copyTo(bytes);
      chunks.push(btoa(String.fromCharCode(...bytes)));
    },
    error: (error) => {
      throw error;
    },
  });
  encoder.configure({
    codec: "vp8",
    width: spec.width,
    height: spec.height,
    bitrate: 120_000,
    framerate: spec.framesPerSecond,
  });
  const bars = ["#c0c0c0", "#c0c000", "#00c0c0", "#00c000", "#c000c0", "#c00000", "#0000c0"];
  const barWidth = spec.width / bars.length;
  for (let index = 0; index < spec.frameCount; index++) {
    bars.forEach((colour, bar) => {
      context.fillStyle = colour;
      context.fillRect(bar * barWidth, 0, barWidth + 1, spec.height);
    });
    context.fillStyle = "#101010";
    context.fillRect(0, spec.height * 0.35, spec.width, spec.height * 0.3);
    context.fillStyle = "#ffffff";
    context.textAlign = "center";
    context.font = "bold 26px sans-serif";
    context.fillText("SIMULATED AGENT", spec.width / 2, spec.height * 0.5);
    context.font = "14px sans-serif";
    context.fillText("Pexip simulator test pattern", spec.width / 2, spec.height * 0.6);
    const marker = (index / spec.frameCount) * (spec.width - 20);
    context.fillRect(marker, spec.height - 24, 20, 16);
    const frame = new VideoFrame(canvas, {
      timestamp: Math.round((index * 1_000_000) / spec.framesPerSecond),
    });
    encoder.encode(frame, { keyFrame: index % spec.keyFrameEvery === 0 });
    frame.close();
  }
  await encoder.flush();
  encoder.close();
  return chunks;
}
