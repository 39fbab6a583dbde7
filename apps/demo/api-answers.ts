import type { Middleware } from "openapi-fetch";

/** An error answer of the Video API, with its problem+json details when it sent them. */
export class VideoApiError extends Error {
  override name = "VideoApiError";
  constructor(
    readonly request: string,
    readonly status: number,
    readonly problem: unknown,
  ) {
    super(`${request} answered ${status}${describeProblem(problem)}`);
  }
}

/** Each error answer throws a VideoApiError naming the request, so a failed step says what it sent. */
export const errorAnswersThrow: Middleware = {
  async onResponse({ request, response }) {
    if (response.ok) return undefined;
    const sent = `${request.method} ${new URL(request.url).pathname}`;
    throw new VideoApiError(sent, response.status, parseJsonOrKeep(await response.text()));
  },
};

/** The body of a success answer (an error answer has thrown already). */
export function bodyOf<Body>({ data, response }: { data?: Body; response: Response }): Body {
  if (data === undefined) throw new Error(`the API answered ${response.status} without a body`);
  return data;
}

function parseJsonOrKeep(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

function describeProblem(problem: unknown): string {
  if (typeof problem === "string") return problem ? `: ${problem.slice(0, 200)}` : "";
  if (typeof problem !== "object" || problem === null) return "";
  const { title, detail } = problem as { title?: unknown; detail?: unknown };
  const parts = [title, detail].filter((part) => typeof part === "string" && part !== "");
  return parts.length > 0 ? `: ${parts.join(" — ")}` : "";
}
