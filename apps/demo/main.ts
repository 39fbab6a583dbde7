import { parseArgs } from "node:util";
import { type DevDevice, readDevDevice, signDeviceToken } from "../shared/dev-device.ts";
import { readDevCa } from "../shared/dev-tls.ts";
import { fetchTrusting, withNodeRoots } from "../shared/trust.ts";
import { runDemo } from "./flow.ts";
import { describeError } from "./steps.ts";
import { formatSummary } from "./summary.ts";

const DEFAULT_API = "http://localhost:8080";

const USAGE = `Usage: npm run demo -- [options]

Plays the BCSC mobile app's part of a video session against a running stack (npm start):
create a session, start it, join the Pexip room, call over WebRTC (a test pattern as the camera,
the agent's video counted as it arrives), report call statuses, hang up, end.

Options:
  --api <url>           the stack's origin (default ${DEFAULT_API})
  --data-dir <dir>      where npm start keeps its data, with the dev device key it generated
                        (default ./data, or $DATA_DIR)
  --device-code <code>  the device code (default: a random one)
  --help                show this help

Every request carries a device JWT signed with the dev device key, as the shipped app signs its
own (RS512, client_id and device_code claims).`;

async function main(): Promise<number> {
  let values: { api?: string; "data-dir"?: string; "device-code"?: string; help?: boolean };
  try {
    ({ values } = parseArgs({
      options: {
        api: { type: "string", default: DEFAULT_API },
        "data-dir": { type: "string", default: process.env.DATA_DIR ?? "./data" },
        "device-code": { type: "string" },
        help: { type: "boolean", default: false },
      },
    }));
  } catch (error) {
    console.error(`${describeError(error)}\n\n${USAGE}`);
    return 2;
  }
  if (values.help) {
    console.log(USAGE);
    return 0;
  }
  const api = values.api ?? DEFAULT_API;
  if (!URL.canParse(api)) {
    console.error(`--api must be a URL such as ${DEFAULT_API}, not "${api}"`);
    return 2;
  }
  let device: DevDevice;
  let trustingDevCa: typeof fetch;
  try {
    device = readDevDevice(values["data-dir"] ?? "./data");
    // The stack's simulators (the Pexip node) speak HTTPS with the dev CA it made.
    trustingDevCa = fetchTrusting(withNodeRoots(readDevCa(values["data-dir"] ?? "./data")));
  } catch {
    console.error(
      `No dev device key or dev CA in ${values["data-dir"]}: start the stack first (npm start), or pass --data-dir.`,
    );
    return 2;
  }
  const deviceCode = values["device-code"] ?? crypto.randomUUID();
  console.log(`BCSC demo app against ${api} (client ${device.clientId})`);
  try {
    const summary = await runDemo({
      api,
      clientId: device.clientId,
      deviceCode,
      authorization: async () => `Bearer ${await signDeviceToken(device, deviceCode)}`,
      log: (line) => console.log(line),
      fetch: trustingDevCa,
    });
    for (const line of formatSummary(summary)) console.log(line);
    return 0;
  } catch (error) {
    console.error(`demo failed: ${error instanceof Error ? error.message : String(error)}`);
    if (describeError(error).includes("ECONNREFUSED")) {
      console.error("Nothing answered: is the stack running (npm start)?");
    }
    return 1;
  }
}

process.exitCode = await main();
