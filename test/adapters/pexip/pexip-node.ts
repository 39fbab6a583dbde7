import type { AddressInfo } from "node:net";
import { serve } from "@hono/node-server";
import {
  createPexipSimulator,
  type PexipOptions,
  type PexipSimulator,
  VirtualClock,
} from "../../../simulators/index.ts";

export interface ConferenceSpec {
  name: string;
  alias: string;
  pin: string;
  guestPin: string;
}

export interface RunningPexipNode {
  url: string;
  simulator: PexipSimulator;
  /** Configures a conference through the management API, as MaxConf does. */
  createConference(spec: ConferenceSpec): Promise<void>;
  close(): Promise<void>;
}

/** The project's Pexip simulator on a real socket (127.0.0.1, any free port); virtual time by default. */
export async function startPexipNode(options: PexipOptions = {}): Promise<RunningPexipNode> {
  const simulator = createPexipSimulator({ clock: new VirtualClock(), seed: 7, ...options });
  const server = await new Promise<ReturnType<typeof serve>>((resolve) => {
    const listening = serve({ fetch: simulator.app.fetch, hostname: "127.0.0.1", port: 0 }, () =>
      resolve(listening),
    );
  });
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url,
    simulator,
    async createConference(spec) {
      const response = await fetch(`${url}/api/admin/configuration/v1/conference/`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({
          name: spec.name,
          service_type: "conference",
          allow_guests: true,
          pin: spec.pin,
          guest_pin: spec.guestPin,
          tag: `https://id.gov.bc.ca/idcheck/${spec.name}`,
          aliases: [{ alias: spec.alias }],
        }),
      });
      if (response.status !== 201) {
        throw new Error(`conference ${spec.name}: ${response.status} ${await response.text()}`);
      }
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        if ("closeAllConnections" in server) server.closeAllConnections();
      }),
  };
}
