import createClient, { type Client } from "openapi-fetch";
import type { components, paths } from "./schema.ts";

export type { components, operations, paths } from "./schema.ts";

export type VideoSession = components["schemas"]["VideoSession"];
export type VideoCall = components["schemas"]["VideoCall"];
export type Problem = components["schemas"]["Problem"];
export type SessionStatus = VideoSession["status"];
export type CallStatus = VideoCall["status"];

export type VideoApiClient = Client<paths>;

export interface VideoApiClientOptions {
  /** The service's origin, e.g. "https://video.example.gov.bc.ca"; the paths carry /video. */
  baseUrl: string;
  /** The Authorization header of each request, "Bearer <device JWT>": signed for each one. */
  authorization?: () => Promise<string>;
  fetch?: typeof fetch;
}

/**
 * A typed client of the BCSC Video API v2 (openapi-fetch over the generated types): each call
 * names a path of the API's document and answers `{ data }` or `{ error }` (its problem), with
 * the `response`. For example `client.GET("/video/v2/sessions/{session_id}", { params: { path:
 * { session_id } } })`.
 */
export function createVideoApiClient(options: VideoApiClientOptions): VideoApiClient {
  const client = createClient<paths>({ baseUrl: options.baseUrl, fetch: options.fetch });
  const { authorization } = options;
  if (authorization) {
    client.use({
      async onRequest({ request }) {
        request.headers.set("authorization", await authorization());
        return request;
      },
    });
  }
  return client;
}
