import type { RequestHeaders } from "../shared/node-bindings.ts";

type ParsedHeaders = Exclude<RequestHeaders, Headers | undefined>;

/**
 * Copies of requests' headers for the journal, each value that the previous request sent too kept
 * as that request's string. Node parses every request's headers into new strings, and a load test
 * sends the same long bearer token each time: without this, the journal would keep ten thousand
 * copies of it, and every one would outlive the garbage collector's young generation.
 */
export class RepeatedHeaders {
  #previous: ParsedHeaders = {};

  copy(headers: RequestHeaders): RequestHeaders {
    if (!headers || headers instanceof Headers) return headers;
    const previous = this.#previous;
    const copy: ParsedHeaders = {};
    for (const name in headers) {
      const value = headers[name];
      copy[name] = value === previous[name] ? previous[name] : value;
    }
    this.#previous = copy;
    return copy;
  }
}
