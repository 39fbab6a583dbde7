/**
 * What the journal hides unless told to show it: the credentials a request carried. The journal
 * is read over an open control API (on loopback), so it must not hand out the service's client
 * secret or a live bearer or Pexip token.
 */
export const REDACTED = "[redacted]";

/** Whether `/_sim/journal` shows requests' secrets as they came (default: redacted). */
export type JournalSecrets = "redact" | "show";

/** Pexip's PIN and participant token travel in headers of these names. */
const SECRET_HEADERS = new Set(["pin", "token"]);
/** EventSource cannot set headers, so Pexip's event stream takes its token in the query. */
const SECRET_QUERY_PARAMETERS = new Set(["token"]);
const SECRET_FORM_FIELD = /(^|&)client_secret=[^&]*/g;
const JWS = /^([\w-]+)\.[\w-]+\.[\w-]+$/;

export function redactHeaders(headers: Record<string, string>): Record<string, string> {
  const redacted: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) {
    if (name === "authorization") redacted[name] = redactAuthorization(value);
    else redacted[name] = SECRET_HEADERS.has(name) ? REDACTED : value;
  }
  return redacted;
}

export function redactQuery(query: Record<string, string>): Record<string, string> {
  const redacted = { ...query };
  for (const name of Object.keys(query)) {
    if (SECRET_QUERY_PARAMETERS.has(name)) redacted[name] = REDACTED;
  }
  return redacted;
}

/** A client-credentials form keeps every field but the secret. */
export function redactBody(body: string, contentType: string | undefined): string {
  if (!contentType?.startsWith("application/x-www-form-urlencoded")) return body;
  return body.replace(SECRET_FORM_FIELD, `$1client_secret=${REDACTED}`);
}

/**
 * The scheme stays, the credentials go. A JWS keeps its header (algorithm and key id: not secret,
 * and what one looks at when a key rotates); without its signature the token is of no use.
 */
function redactAuthorization(value: string): string {
  const [scheme = "", credentials = ""] = value.trim().split(/\s+/, 2);
  if (!credentials) return REDACTED;
  const jwsHeader = scheme.toLowerCase() === "bearer" ? JWS.exec(credentials)?.[1] : undefined;
  return `${scheme} ${jwsHeader ? `${jwsHeader}.${REDACTED}` : REDACTED}`;
}
