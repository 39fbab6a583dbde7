import { type SimClock, systemClock } from "../control/clock.ts";
import type { ControlAccess } from "../control/control-access.ts";
import { type ControlPlane, createControlPlane } from "../control/control-plane.ts";
import { createRandom, deriveSeed, randomSeed } from "../control/random.ts";
import type { BasicCredentials } from "../shared/basic-auth.ts";
import { type CallMedia, syntacticCallMedia } from "./call-media.ts";
import { addClientApi } from "./client-api.ts";
import { PEXIP_TOKEN, PEXIP_TOKEN_QUERY } from "./client-routes.ts";
import { ConferenceNode } from "./conference-node.ts";
import { type ConferenceConfig, ConferenceDirectory } from "./configuration.ts";
import { pexipDescription } from "./description.ts";
import { EventSink } from "./event-sink.ts";
import { participantJson } from "./live-model.ts";
import {
  ConferenceManagement,
  type InProcessManagement,
  inProcessManagement,
} from "./management.ts";
import { addManagementApi } from "./management-api.ts";

export interface PexipOptions {
  clock?: SimClock;
  seed?: number;
  /** Where conference and participant events are POSTed (MaxConf's /public/event_sink). */
  eventSinkUrl?: string;
  eventSinkAuth?: BasicCredentials;
  /** The node's name in event envelopes and ICE server URLs. */
  nodeName?: string;
  tokenExpiresSeconds?: number;
  /** How long after the first guest joins the simulated agent answers. */
  agentJoinDelayMs?: number;
  /** What answers WebRTC offers and carries media; default: valid SDP answers and no media. */
  callMedia?: CallMedia;
  fetch?: typeof fetch;
  controlAccess?: ControlAccess;
}

export interface LiveConferenceView {
  name: string;
  participants: ReturnType<typeof participantJson>[];
}

export interface PexipSimulator extends ControlPlane {
  /** Configured conferences (management API). */
  conferences(): ConferenceConfig[];
  /** Conferences with participants in them. */
  liveConferences(): LiveConferenceView[];
  /** Resolves once every event posted to the event sink so far has been delivered. */
  settled(): Promise<void>;
  /** The management API for a simulator wired in the same process. */
  management: InProcessManagement;
}

/** A Pexip Infinity conferencing node (client API v2) plus the management API that configures it. */
export function createPexipSimulator(options: PexipOptions = {}): PexipSimulator {
  const clock = options.clock ?? systemClock;
  const seed = options.seed ?? randomSeed();
  const random = createRandom(deriveSeed(seed, 3));
  const nodeName = options.nodeName ?? "conference.test.vc.maxconf.ca";
  const tokenExpiresSeconds = options.tokenExpiresSeconds ?? 120;
  const eventSink = new EventSink({
    url: options.eventSinkUrl,
    auth: options.eventSinkAuth,
    nodeName,
    clock,
    fetch: options.fetch ?? fetch,
  });
  const directory = new ConferenceDirectory();
  const node = new ConferenceNode({
    clock,
    random,
    eventSink,
    tokenExpiresSeconds,
    agentJoinDelayMs: options.agentJoinDelayMs ?? 3000,
    callMedia: options.callMedia ?? syntacticCallMedia(random, "127.0.0.1"),
  });

  const control = createControlPlane({
    simulator: "pexip",
    about: pexipDescription,
    securitySchemes: {
      [PEXIP_TOKEN]: { type: "apiKey", in: "header", name: "token" },
      [PEXIP_TOKEN_QUERY]: { type: "apiKey", in: "query", name: "token" },
    },
    access: options.controlAccess,
    clock,
    seed,
    // Configuration survives a reset (MaxConf's pool lives in it); calls and tokens do not.
    resetState: () => {
      node.reset();
      eventSink.reset();
    },
  });
  const management = new ConferenceManagement(directory, clock, random);
  addManagementApi(control.app, directory, management);
  addClientApi(control.app, { directory, node, clock, random, nodeName, tokenExpiresSeconds });

  return {
    ...control,
    conferences: () => directory.list(),
    liveConferences: () =>
      node.liveConferences().map((conference) => ({
        name: conference.name,
        participants: [...conference.participants.values()].map(participantJson),
      })),
    settled: () => eventSink.settled(),
    management: inProcessManagement(management, control.journal, clock, () =>
      control.faults.armed(),
    ),
  };
}
