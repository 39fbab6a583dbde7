import type { SimClock } from "./control/clock.ts";
import type { ControlAccess } from "./control/control-access.ts";
import { randomSeed } from "./control/random.ts";
import { createMaxConfSimulator, type MaxConfSimulator } from "./maxconf/index.ts";
import {
  conferenceBody,
  createPexipAdminClient,
  type PexipAdminClient,
  toRoom,
} from "./maxconf/pexip-admin-client.ts";
import type { CallMedia } from "./pexip/call-media.ts";
import { createPexipSimulator, type PexipSimulator } from "./pexip/index.ts";
import type { BasicCredentials } from "./shared/basic-auth.ts";
import { type FetchableApp, inProcessFetch } from "./shared/in-process-fetch.ts";
import {
  createTokenServer,
  type TokenServer,
  type TokenServerClient,
} from "./token-server/index.ts";

export interface WiringOptions {
  clock?: SimClock;
  seed?: number;
  /** Where each simulator is (or will be) reachable; no trailing slash needed. */
  tokenServerUrl: string;
  maxconfUrl: string;
  pexipUrl: string;
  tenant: string;
  clientId: string;
  clientSecret: string;
  audience: string;
  /** Clients the token server knows besides the one above (their tenants are added). */
  extraClients?: TokenServerClient[];
  /** Access token lifetime in seconds (Entra: 3599). */
  tokenExpiresIn?: number;
  /** How long a rotated-out signing key stays in the JWKS, in seconds. */
  keyOverlapSeconds?: number;
  /** Credentials Pexip uses on MaxConf's event sink. */
  eventSink?: BasicCredentials;
  agentJoinDelayMs?: number;
  /** Pexip's media engine; without one its SDP answers are syntactic and no media flows. */
  callMedia?: CallMedia;
  poolSize?: number;
  /**
   * Whether the simulators call each other in-process (default) rather than over their URLs;
   * false when some of them run elsewhere.
   */
  callsInProcess?: boolean;
  /** For the calls that leave the process. */
  fetch?: typeof fetch;
  /** The control API's token and what the journals show, the same on all three. */
  controlAccess?: ControlAccess;
}

export interface WiredSimulators {
  tokenServer: TokenServer;
  maxconf: MaxConfSimulator;
  pexip: PexipSimulator;
}

export const DEFAULT_EVENT_SINK_CREDENTIALS: BasicCredentials = {
  username: "pexip-event-sink",
  password: "sim-event-sink-secret",
};

/** The three simulators, configured to reach each other at the given URLs. */
export function wireSimulators(options: WiringOptions): WiredSimulators {
  const seed = options.seed ?? randomSeed();
  const tokenServerUrl = options.tokenServerUrl.replace(/\/+$/, "");
  const eventSink = options.eventSink ?? DEFAULT_EVENT_SINK_CREDENTIALS;
  const appsByOrigin = new Map<string, FetchableApp>();
  const networkFetch = options.fetch ?? fetch;
  const inProcess = options.callsInProcess !== false;
  const fetchFn = inProcess ? inProcessFetch(appsByOrigin, networkFetch) : networkFetch;
  const clients: TokenServerClient[] = [
    {
      clientId: options.clientId,
      clientSecret: options.clientSecret,
      tenant: options.tenant,
      audience: options.audience,
    },
    ...(options.extraClients ?? []),
  ];
  const tokenServer = createTokenServer({
    clock: options.clock,
    seed,
    tenants: [...new Set(clients.map((client) => client.tenant))],
    clients,
    expiresIn: options.tokenExpiresIn,
    keyOverlapSeconds: options.keyOverlapSeconds,
    issuerOrigin: tokenServerUrl,
    controlAccess: options.controlAccess,
  });
  appsByOrigin.set(new URL(tokenServerUrl).origin, tokenServer.app);
  const pexip = createPexipSimulator({
    clock: options.clock,
    seed,
    eventSinkUrl: `${options.maxconfUrl.replace(/\/+$/, "")}/public/event_sink`,
    eventSinkAuth: eventSink,
    agentJoinDelayMs: options.agentJoinDelayMs,
    callMedia: options.callMedia,
    fetch: fetchFn,
    controlAccess: options.controlAccess,
  });
  // Registered before MaxConf exists: MaxConf starts filling its pool on Pexip at creation.
  appsByOrigin.set(new URL(options.pexipUrl).origin, pexip.app);
  const maxconf = createMaxConfSimulator({
    clock: options.clock,
    seed,
    issuer: `${tokenServerUrl}/${options.tenant}/v2.0`,
    jwksUrl: `${tokenServerUrl}/${options.tenant}/discovery/v2.0/keys`,
    audience: options.audience,
    pexipAdminUrl: options.pexipUrl,
    pexipAdmin: inProcess ? pexipAdminInProcess(pexip, options.pexipUrl, fetchFn) : undefined,
    eventSink,
    poolSize: options.poolSize,
    fetch: fetchFn,
    controlAccess: options.controlAccess,
  });
  appsByOrigin.set(new URL(options.maxconfUrl).origin, maxconf.app);
  return { tokenServer, maxconf, pexip };
}

/**
 * MaxConf's calls to an in-process Pexip's management API, made directly (HTTP objects would cost
 * more than the rest of a room creation); over HTTP while faults are armed on Pexip.
 */
function pexipAdminInProcess(
  pexip: PexipSimulator,
  pexipUrl: string,
  fetchFn: typeof fetch,
): PexipAdminClient {
  const overHttp = createPexipAdminClient(pexipUrl, fetchFn);
  const { management } = pexip;
  const refused = (action: string, outcome: { status: number }) =>
    new Error(`Pexip ${action}: HTTP ${outcome.status}`);
  return {
    async createConference(spec) {
      if (!management.usable()) return overHttp.createConference(spec);
      const created = management.createConference(conferenceBody(spec));
      if (created.status !== 201) throw refused("create conference", created);
      return toRoom(created.config);
    },
    async updateConference(id, fields) {
      if (!management.usable()) return overHttp.updateConference(id, fields);
      const updated = management.updateConference(id, fields);
      if (updated.status !== 202) throw refused("update conference", updated);
    },
    async deleteConference(id) {
      if (!management.usable()) return overHttp.deleteConference(id);
      management.deleteConference(id);
    },
  };
}
