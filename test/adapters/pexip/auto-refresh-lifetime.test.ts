import { execFile } from "node:child_process";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { expect, it } from "vitest";

const adapter = fileURLToPath(new URL("../../../adapters/pexip/index.ts", import.meta.url));

// A process whose only pending work is the refresh timer (an hour away) must exit at once.
const script = `
import { PexipConferenceClient } from ${JSON.stringify(adapter)};
const token = { token: "t", expires: "7200", participant_uuid: "p", display_name: "d", role: "GUEST" };
const fetch = async () => Response.json({ status: "success", result: token });
const client = new PexipConferenceClient({ nodeUrl: "http://127.0.0.1:9", alias: "a", fetch });
await client.requestToken({ displayName: "d" });
client.startAutoRefresh();
console.log("refresh scheduled");
`;

it("does not keep a process alive while a refresh is scheduled", async () => {
  const run = promisify(execFile)(
    process.execPath,
    ["--import", "tsx", "--input-type=module", "--eval", script],
    { timeout: 10_000 },
  );
  await expect(run).resolves.toMatchObject({ stdout: "refresh scheduled\n" });
});
