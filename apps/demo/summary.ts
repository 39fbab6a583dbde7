/** What one run of the demo did, for the summary printed at the end. */
export interface DemoSummary {
  sessionId: string;
  roomName: string;
  roomAlias: string;
  nodeUrl: string;
  clientCallId: string;
  callId: string;
  /** As the Video API answered them, in order. */
  sessionStatuses: string[];
  callStatuses: string[];
  /** Names of the Pexip events received, in order. */
  pexipEvents: string[];
  /** What the agent sent over WebRTC, counted as it arrived. */
  agentMedia: { videoFrames: number; packets: number; bytes: number };
  elapsedMs: number;
}

/** The lines printed after a successful run. */
export function formatSummary(summary: DemoSummary): string[] {
  return [
    `session ${summary.sessionId}, room ${summary.roomName} (alias ${summary.roomAlias})`,
    `  conference node:  ${summary.nodeUrl}`,
    `  call:             ${summary.callId} (client call id ${summary.clientCallId})`,
    `  session statuses: ${collapseRepeats(summary.sessionStatuses).join(" → ")}`,
    `  call statuses:    ${collapseRepeats(summary.callStatuses).join(" → ")}`,
    `  Pexip events:     ${collapseRepeats(summary.pexipEvents).join(", ")}`,
    `  agent media:      ${describeMedia(summary.agentMedia)}`,
    `  done in ${(summary.elapsedMs / 1000).toFixed(1)} s`,
  ];
}

/** ["a", "b", "b", "b"] → ["a", "b ×3"]: keep-alives repeat the same status. */
export function collapseRepeats(values: string[]): string[] {
  const runs: { value: string; count: number }[] = [];
  for (const value of values) {
    const last = runs.at(-1);
    if (last?.value === value) last.count++;
    else runs.push({ value, count: 1 });
  }
  return runs.map(({ value, count }) => (count > 1 ? `${value} ×${count}` : value));
}

function describeMedia(media: DemoSummary["agentMedia"]): string {
  const kilobytes = Math.round(media.bytes / 1000);
  return `${media.videoFrames} video frames, ${media.packets} RTP packets, ${kilobytes} kB`;
}
