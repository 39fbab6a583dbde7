import type { MiddlewareHandler } from "hono";
import { sameSecret } from "../shared/basic-auth.ts";
import type { JournalSecrets } from "./redaction.ts";

/** Who may use a simulator's control API (`/_sim/*`), and what its journal shows. */
export interface ControlAccess {
  /** Default "redact": the journal hides client secrets, bearer and Pexip tokens, PINs. */
  journalSecrets?: JournalSecrets;
  /**
   * The bearer token every `/_sim/*` request must carry. Without one the control API is open,
   * which is for a simulator listening on loopback only.
   */
  token?: string;
}

/** Refuses `/_sim/*` requests without `Authorization: Bearer <token>`, in problem+json. */
export function requireControlToken(token: string): MiddlewareHandler {
  return async (c, next) => {
    const given = c.req.header("authorization")?.match(/^Bearer\s+(\S+)\s*$/i)?.[1];
    if (given && sameSecret(given, token)) return next();
    const problem = {
      type: "about:blank",
      title: "Unauthorized",
      status: 401,
      detail: "The simulator's control API needs Authorization: Bearer <its control token>.",
    };
    return new Response(JSON.stringify(problem), {
      status: 401,
      headers: {
        "content-type": "application/problem+json",
        "www-authenticate": 'Bearer realm="simulator control"',
      },
    });
  };
}
