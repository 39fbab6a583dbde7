import type { SimulatorDescription } from "../control/openapi.ts";
import { CLIENT_API_TAG } from "./client-routes.ts";
import { MANAGEMENT_API_TAG } from "./management-routes.ts";

/** What the Pexip simulator's OpenAPI document says of it besides its routes. */
export const pexipDescription: SimulatorDescription = {
  title: "Pexip Infinity conferencing node simulator",
  description:
    "A Pexip Infinity conferencing node: the client REST API v2 a WebRTC client (the BCSC app) " +
    "uses to join a conference and call, and the slice of the management API MaxConf relies on " +
    "to configure conferences.",
  tags: [
    {
      name: CLIENT_API_TAG,
      description: "Pexip's client REST API v2: tokens, roster, events, calls.",
    },
    {
      name: MANAGEMENT_API_TAG,
      description: "Pexip's management API, configuration/v1/conference (without credentials).",
    },
  ],
};
