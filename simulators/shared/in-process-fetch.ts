export interface FetchableApp {
  fetch(request: Request): Response | Promise<Response>;
}

/**
 * A fetch that hands requests for the given origins straight to those apps: simulators wired
 * together skip the loopback network (same routes, journal and faults), so a load test measures
 * the service, not its fakes. Other origins go to `fallback`.
 */
export function inProcessFetch(
  appsByOrigin: ReadonlyMap<string, FetchableApp>,
  fallback: typeof fetch,
): typeof fetch {
  const dispatch = async (input: RequestInfo | URL, init?: RequestInit): Promise<Response> => {
    const request = new Request(input, init);
    const app = appsByOrigin.get(new URL(request.url).origin);
    return app ? app.fetch(request) : fallback(request);
  };
  return dispatch as typeof fetch;
}
