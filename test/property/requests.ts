import fc from "fast-check";
import type { RawRequest } from "./raw-http.ts";

/**
 * Generated requests are plain data (printable, shrinkable). Ids and tokens are named, not
 * embedded: they are resolved against the running stack when the request is sent, so a path trick
 * can aim at a session that really exists.
 */
export interface FuzzRequest {
  route: Route;
  method: string;
  sessionId: IdSpec;
  callId: IdSpec;
  decorations: Decoration[];
  auth: AuthSpec;
  body: BodySpec;
  contentType: ContentTypeSpec;
  framing: Framing;
  host: string;
  extraHeaders: [string, string][];
}

export type Route = (typeof routeNames)[number];
const routeNames = [
  "sessions",
  "session",
  "calls",
  "call",
  "destinations",
  "service_hours",
  "openapi",
  "docs",
  "docs_asset",
  "elsewhere",
] as const;

/**
 * A real session or call of the caller's device or of a seeded device (by index; 3 for the
 * others), or literal bytes for the path.
 */
export type IdSpec =
  | { kind: "session"; device: Device; pick: number }
  | { kind: "call"; device: Device; pick: number }
  | { kind: "text"; text: string };

type Device = "own" | 0 | 1 | 2 | 3;

export type Decoration =
  | "trailing-slash"
  | "double-slash"
  | "dot-segment"
  | "dot-dot-segment"
  | "encoded-dot-dot"
  | "upper-case"
  | "absolute-form"
  | { query: string }
  | { fragment: string };

/** Tokens prepared by the test: `device:<i>` for the seeded devices, and refused ones. */
export const tokenNames = [
  "device:0",
  "device:1",
  "device:2",
  "stranger",
  "unicode-device",
  "long-device",
  "future-exp",
  "expired",
  "not-yet-valid",
  "unknown-client",
  "other-key",
  "alg-none",
  "hs256",
  "no-device-code",
  "empty-device-code",
  "numeric-device-code",
  "object-client-id",
  "tampered",
  "truncated",
  "two-parts",
] as const;
export type TokenName = (typeof tokenNames)[number];

export type AuthSpec =
  | { kind: "none" }
  | { kind: "token"; token: TokenName; scheme: string; suffix: string; duplicate: boolean }
  | { kind: "junk"; header: string };

/** `{ $ref }` leaves stand for values known only when sending (the caller's claims, the ids). */
export type Ref = { $ref: "client_id" | "device_code" | "session_id" | "call_id" };

export type BodySpec =
  | { kind: "none" }
  | { kind: "json"; value: unknown; encoding: Encoding }
  | { kind: "form"; pairs: [string, string | Ref][]; raw: string }
  | { kind: "multipart"; boundary: string; parts: [string, string | Ref][]; broken: boolean }
  | { kind: "bytes"; bytes: string }
  | { kind: "huge"; size: number; fill: string }
  | { kind: "deep"; depth: number; open: string };

export type Encoding =
  | "utf8"
  | "bom"
  | "utf16le"
  | "latin1"
  | "whitespace"
  | { insert: number; byte: number }
  | { truncate: number }
  | { trailing: string };

export type ContentTypeSpec =
  | { kind: "none" }
  | { kind: "natural"; params: string }
  | { kind: "given"; value: string }
  | { kind: "twice"; first: string; second: string };

export type Framing = "content-length" | "chunked" | "no-length" | "short-length" | "long-length";

/** Methods Node's parser knows; others (and CONNECT) are refused before the app sees them. */
const knownMethods = ["GET", "HEAD", "POST", "PUT", "DELETE", "PATCH", "OPTIONS", "TRACE"];

const sessionStatuses = ["started", "ended", "session_started", "session_ended"];
const callStatuses = [
  "call_ringing",
  "call_media_pending",
  "call_in_call",
  "call_dropped",
  "call_reconnected",
  "call_ended",
  "call_error",
];

const ref = (name: Ref["$ref"]): Ref => ({ $ref: name });

/**
 * The sane value most of the time: each part of a request (auth, path, body, headers...) is
 * usually right, so most requests get one or two things wrong and reach deep into the service.
 */
const mostly = <T>(sane: fc.Arbitrary<T>, wild: fc.Arbitrary<T>, saneShare = 0.85) =>
  fc.oneof(
    { arbitrary: sane, weight: Math.round(saneShare * 100) },
    { arbitrary: wild, weight: Math.round((1 - saneShare) * 100) },
  );

/** Strings that tend to break things: unicode, NUL, lone surrogates, look-alikes of the values. */
const nastyString = fc.oneof(
  fc.string({ maxLength: 40 }),
  fc.string({ unit: "grapheme", maxLength: 20 }),
  fc.string({ unit: "binary", maxLength: 20 }),
  fc.constantFrom(
    "",
    " ",
    "\u0000",
    "a\u0000b",
    "\ud800",
    "\udfff\ud800",
    "\ufeff",
    "é",
    "𝕏",
    "null",
    "undefined",
    "__proto__",
    "constructor",
    "toString",
    "STARTED",
    "call_in_call ",
    "session_started\u0000",
    "../../etc/passwd",
    "%00",
    "' OR 1=1 --",
    "<script>",
    "{{7*7}}",
  ),
  fc.integer({ min: 201, max: 20_000 }).map((n) => "x".repeat(n)),
);

const weirdValue: fc.Arbitrary<unknown> = fc.oneof(
  { arbitrary: nastyString, weight: 4 },
  { arbitrary: fc.jsonValue({ maxDepth: 3 }), weight: 3 },
  {
    arbitrary: fc.constantFrom(
      0,
      -1,
      1e308,
      Number.MAX_SAFE_INTEGER + 2,
      true,
      false,
      null,
      [],
      {},
      [""],
      { $ref: "nope" },
    ),
    weight: 2,
  },
  { arbitrary: fc.constantFrom(...callStatuses, ...sessionStatuses), weight: 2 },
);

const fieldName = fc.oneof(
  fc.constantFrom(
    "client_id",
    "device_code",
    "session_id",
    "client_call_id",
    "call_id",
    "status",
    "__proto__",
    "constructor",
    "prototype",
    "admin",
    "Status",
    "status ",
    "",
  ),
  fc.string({ maxLength: 12 }),
);

type Template = Record<string, unknown>;

/** A body the route accepts (given the right ids), then a few mutations of it. */
function jsonFor(template: fc.Arbitrary<Template>): fc.Arbitrary<unknown> {
  const mutation = fc.oneof(
    fc.record({ op: fc.constant("drop" as const), key: fieldName }),
    fc.record({ op: fc.constant("set" as const), key: fieldName, value: weirdValue }),
    fc.record({ op: fc.constant("wrap" as const), how: fc.constantFrom("array", "nested") }),
  );
  const mutated = fc
    .tuple(template, fc.array(mutation, { minLength: 1, maxLength: 3 }))
    .map(([base, ops]) => {
      let body: unknown = { ...base };
      for (const op of ops) {
        if (op.op === "wrap") body = op.how === "array" ? [body] : { body };
        else if (body && typeof body === "object" && !Array.isArray(body)) {
          const record = body as Record<string, unknown>;
          // defineProperty, so a "__proto__" key becomes an own field, as JSON.parse would make it.
          if (op.op === "drop") delete record[op.key];
          else {
            Object.defineProperty(record, op.key, {
              value: op.value,
              enumerable: true,
              configurable: true,
              writable: true,
            });
          }
        }
      }
      return body;
    });
  const wild = fc.oneof(
    { arbitrary: mutated, weight: 2 },
    { arbitrary: fc.jsonValue({ maxDepth: 4 }), weight: 1 },
  );
  return mostly(template, wild, 0.6);
}

const clientCallId = fc.oneof(
  fc.uuid().map(String),
  fc.constant(ref("call_id")),
  fc.constantFrom("call-1", "c"),
);
const optional = <T>(arbitrary: fc.Arbitrary<T>) => fc.option(arbitrary, { nil: undefined });
const withoutUndefined = (record: Template): Template =>
  Object.fromEntries(Object.entries(record).filter(([, value]) => value !== undefined));

const templates: Record<"sessions" | "session" | "calls" | "call", fc.Arbitrary<Template>> = {
  sessions: fc.constant({ client_id: ref("client_id"), device_code: ref("device_code") }),
  session: fc.record({ status: fc.constantFrom(...sessionStatuses) }),
  calls: fc
    .record({
      session_id: optional(fc.constant(ref("session_id"))),
      client_call_id: optional(clientCallId),
      status: fc.constantFrom(...callStatuses),
    })
    .map(withoutUndefined),
  call: fc
    .record({
      session_id: optional(fc.constant(ref("session_id"))),
      client_call_id: optional(fc.constant(ref("call_id"))),
      status: fc.constantFrom(...callStatuses),
    })
    .map(withoutUndefined),
};

const encoding: fc.Arbitrary<Encoding> = fc.oneof(
  { arbitrary: fc.constant("utf8" as const), weight: 40 },
  { arbitrary: fc.constantFrom("bom", "utf16le", "latin1", "whitespace"), weight: 4 },
  {
    arbitrary: fc.record({
      insert: fc.nat(60),
      byte: fc.constantFrom(0x00, 0x80, 0xc3, 0xed, 0xfe, 0xff, 0x22, 0x5c, 0x7f),
    }),
    weight: 2,
  },
  { arbitrary: fc.record({ truncate: fc.nat(60) }), weight: 1 },
  {
    arbitrary: fc.record({ trailing: fc.constantFrom("}", "\u0000", "x", "\n{}", ",") }),
    weight: 1,
  },
);

function formFor(template: fc.Arbitrary<Template>): fc.Arbitrary<BodySpec> {
  const pair = fc.tuple(
    fc.oneof(fieldName, fc.constantFrom("client_id[]", "client_id%", "%ZZ", "a=b", "device_code")),
    fc.oneof(nastyString, fc.constant(ref("device_code")), fc.constant(ref("client_id"))),
  );
  const rawForm = fc.oneof(
    fc.constantFrom(
      "",
      "&",
      "=",
      "client_id",
      "client_id=%",
      "client_id=%ZZ&device_code=%E0%A4%A",
      "client_id=%C3%28&device_code=%FF%FE",
      "client_id=a&client_id=b",
      "client_id=a;device_code=b",
      "%00=%00",
      "+=+",
    ),
    fc.string({ unit: "binary", maxLength: 60 }),
  );
  return fc.record({
    kind: fc.constant("form" as const),
    pairs: fc.oneof(
      template.map((body) => Object.entries(body) as [string, string | Ref][]),
      fc.array(pair, { maxLength: 4 }),
    ),
    raw: fc.oneof({ arbitrary: fc.constant(""), weight: 3 }, { arbitrary: rawForm, weight: 1 }),
  });
}

function bodyFor(route: Route): fc.Arbitrary<BodySpec> {
  const takesBody = route in templates;
  const template = takesBody ? templates[route as keyof typeof templates] : fc.constant({});
  const json = fc.record({
    kind: fc.constant("json" as const),
    value: jsonFor(template),
    encoding,
  });
  const multipart = fc.record({
    kind: fc.constant("multipart" as const),
    boundary: fc.constantFrom("XyZ", "a'b()+_,-./:=?", "--", ""),
    parts: fc.oneof(
      template.map((body) => Object.entries(body) as [string, string | Ref][]),
      fc.array(fc.tuple(fieldName, nastyString), { maxLength: 3 }),
    ),
    broken: fc.boolean(),
  });
  const none = fc.constant({ kind: "none" as const });
  const natural = route === "sessions" ? fc.oneof(json, formFor(template)) : json;
  const sane = takesBody ? natural : none;
  return mostly(
    sane,
    fc.oneof(
      { arbitrary: json, weight: 3 },
      { arbitrary: formFor(template), weight: 2 },
      { arbitrary: none, weight: 2 },
      { arbitrary: multipart, weight: 1 },
      {
        arbitrary: fc.record({
          kind: fc.constant("bytes" as const),
          bytes: fc.oneof(
            fc.string({ unit: "binary", maxLength: 80 }).map(latin1OfUtf8),
            fc.constantFrom("\u0000", "\xff\xfe\x00", "\xef\xbb\xbf", "{", "[", '"', "nul"),
            fc.uint8Array({ maxLength: 64 }).map((bytes) => Buffer.from(bytes).toString("latin1")),
          ),
        }),
        weight: 2,
      },
      {
        arbitrary: fc.record({
          kind: fc.constant("huge" as const),
          size: fc.constantFrom(16 * 1024 - 20, 16 * 1024, 16 * 1024 + 1, 64 * 1024, 1024 * 1024),
          fill: fc.constantFrom("x", "é", "\u0000", "["),
        }),
        weight: 1,
      },
      {
        arbitrary: fc.record({
          kind: fc.constant("deep" as const),
          depth: fc.constantFrom(100, 1_000, 5_000, 8_000),
          open: fc.constantFrom("[", '{"status":', '{"a":'),
        }),
        weight: 1,
      },
    ),
    0.8,
  );
}

const latin1OfUtf8 = (text: string) => Buffer.from(text, "utf8").toString("latin1");

/** Like encodeURIComponent, but a lone surrogate becomes U+FFFD instead of an exception. */
const percentEncode = (text: string) =>
  Array.from(Buffer.from(text, "utf8"), (byte) =>
    /[A-Za-z0-9\-_.!~*'()]/.test(String.fromCharCode(byte))
      ? String.fromCharCode(byte)
      : `%${byte.toString(16).toUpperCase().padStart(2, "0")}`,
  ).join("");

/** Path segments: mostly real ids, else tricks; raw (unencoded) bytes only now and then. */
function idSpec(kind: "session" | "call"): fc.Arbitrary<IdSpec> {
  const tricks = fc.constantFrom(
    "..",
    ".",
    "%2e%2e",
    "%2E%2e",
    "%2f",
    "%2F..%2F",
    "..%2f..%2fopenapi.json",
    "%00",
    "%",
    "%zz",
    "%c3%28",
    "%ff",
    "%ed%a0%80",
    "%ef%bb%bf",
    "a%20b",
    "%5c",
    ";a=b",
    "*",
    "~",
    "'",
    "__proto__",
    "constructor",
    "null",
    ":session_id",
    "{session_id}",
  );
  const text = fc.oneof(
    { arbitrary: tricks, weight: 6 },
    {
      arbitrary: fc.string({ unit: "grapheme", maxLength: 20 }).map(percentEncode),
      weight: 3,
    },
    { arbitrary: fc.string({ unit: "grapheme-ascii", maxLength: 30 }).map(encodeURI), weight: 2 },
    {
      arbitrary: fc.constantFrom(200, 201, 1_000, 8_000).map((n) => "A".repeat(n)),
      weight: 2,
    },
    { arbitrary: fc.constantFrom("\xc3\xa9", "\xff", " ", "\\", "\t", '"', "<>"), weight: 1 },
  );
  const real = (device: fc.Arbitrary<Device>) =>
    fc.record({ kind: fc.constant(kind), device, pick: mostly(fc.constant(0), fc.nat(5), 0.6) });
  return mostly(
    real(fc.constant("own")),
    fc.oneof(
      real(fc.constantFrom(0 as const, 1 as const, 2 as const, 3 as const)),
      fc.record({ kind: fc.constant("text" as const), text }),
    ),
    0.75,
  );
}

const decoration: fc.Arbitrary<Decoration> = fc.oneof(
  fc.constantFrom(
    "trailing-slash",
    "double-slash",
    "dot-segment",
    "dot-dot-segment",
    "encoded-dot-dot",
    "upper-case",
    "absolute-form",
  ),
  fc.record({
    query: fc.oneof(
      fc.constantFrom("a=b", "session_id=x", "%", "%zz=%", "a=%00", "=&=&", "x".repeat(3000)),
      fc.string({ unit: "grapheme", maxLength: 20 }).map(percentEncode),
    ),
  }),
  fc.record({ fragment: fc.constantFrom("x", "%", "/../") }),
);

const authSpec: fc.Arbitrary<AuthSpec> = mostly(
  fc.record({
    kind: fc.constant("token" as const),
    token: fc.constantFrom("device:0", "device:1", "device:2"),
    scheme: fc.constant("Bearer "),
    suffix: fc.constant(""),
    duplicate: fc.constant(false),
  }),
  fc.oneof(
    {
      arbitrary: fc.record({
        kind: fc.constant("token" as const),
        token: fc.constantFrom(...tokenNames),
        scheme: fc.constantFrom(
          "Bearer ",
          "bearer ",
          "BEARER ",
          "Bearer\t",
          "Bearer   ",
          "Bearer",
          "Basic ",
          "",
          "Bearer Bearer ",
          "Token ",
        ),
        suffix: fc.constantFrom("", "", " ", "\t", " x", ",", ".", "=", "%20"),
        duplicate: fc.boolean(),
      }),
      weight: 5,
    },
    { arbitrary: fc.constant({ kind: "none" as const }), weight: 2 },
    {
      arbitrary: fc.record({
        kind: fc.constant("junk" as const),
        header: fc.oneof(
          fc.string({ maxLength: 60 }).map((text) => text.replaceAll(/[\r\n\0]/g, "")),
          fc.constantFrom(
            "Bearer ",
            "Bearer",
            "Bearer a.b.c",
            "Bearer e30.e30.",
            "Bearer eyJhbGciOiJub25lIn0.e30.",
            "Bearer ....",
            "Bearer \xff\xfe",
            `Bearer ${"a".repeat(12_000)}`,
            "Basic dXNlcjpwYXNz",
            "Digest username=x",
          ),
        ),
      }),
      weight: 2,
    },
  ),
);

const contentTypeSpec: fc.Arbitrary<ContentTypeSpec> = mostly<ContentTypeSpec>(
  fc.constant({ kind: "natural", params: "" }),
  fc.oneof(
    {
      arbitrary: fc.record({
        kind: fc.constant("natural" as const),
        params: fc.constantFrom(
          "; charset=utf-8",
          ";charset=UTF-8",
          '; charset="utf-8"',
          "; charset=utf-16",
          "; charset=latin1",
          "; charset=json",
          "; boundary=json",
          "; foo=bar",
          ";",
          "; charset",
          ", text/plain",
        ),
      }),
      weight: 3,
    },
    {
      arbitrary: fc.record({
        kind: fc.constant("given" as const),
        value: fc.constantFrom(
          "application/json",
          "APPLICATION/JSON",
          "Application/Json; Charset=UTF-8",
          "application/problem+json",
          "application/vnd.api+json",
          "application/merge-patch+json",
          "text/json",
          "application/jsonx",
          "application/json-patch",
          "application/json, text/plain",
          "text/plain",
          "text/html; charset=utf-8",
          "application/xml",
          "application/x-www-form-urlencoded",
          "application/x-www-form-urlencoded; charset=json",
          "multipart/form-data",
          "multipart/form-data; boundary=XyZ",
          "multipart/mixed; boundary=XyZ",
          "application/octet-stream",
          "*/*",
          "json",
          "",
          " ",
          "application/\xe9",
        ),
      }),
      weight: 3,
    },
    { arbitrary: fc.constant({ kind: "none" as const }), weight: 3 },
    {
      arbitrary: fc.record({
        kind: fc.constant("twice" as const),
        first: fc.constantFrom("application/json", "text/plain"),
        second: fc.constantFrom("application/json", "application/x-www-form-urlencoded"),
      }),
      weight: 1,
    },
  ),
);

const oddFraming = fc.constantFrom<Framing>("chunked", "no-length", "short-length", "long-length");
const framing = mostly<Framing>(fc.constant("content-length"), oddFraming, 0.9);

const extraHeaders = mostly(
  fc.constant([] as [string, string][]),
  fc.array(
    fc.oneof(
      fc.tuple(
        fc.constantFrom(
          "x-http-method-override",
          "x-forwarded-for",
          "x-forwarded-proto",
          "content-encoding",
          "accept",
          "accept-charset",
          "accept-encoding",
          "cookie",
          "origin",
          "x-request-id",
          "expect",
          "transfer-encoding",
          "content-length",
        ),
        fc.constantFrom(
          "DELETE",
          "gzip",
          "br",
          "100-continue",
          "chunked",
          "identity",
          "-1",
          "abc",
          "0",
          "1, 2",
          "*/*",
          "\xe9\xff",
          "a".repeat(8_000),
        ),
      ),
      fc.tuple(
        fc.stringMatching(/^x-[a-z0-9-]{1,20}$/),
        fc.string({ maxLength: 40 }).map((text) => text.replaceAll(/[\r\n\0]/g, "")),
      ),
    ),
    { minLength: 1, maxLength: 3 },
  ),
  0.9,
);

const host = mostly(
  fc.constant("$host"),
  fc.constantFrom(
    "localhost",
    "evil.example",
    "LOCALHOST:1",
    "[::1]:80",
    "",
    "a b",
    "a/b",
    "$none",
    "h".repeat(300),
    "\xe9",
  ),
  0.97,
);

const methodsOf: Record<Route, string[]> = {
  sessions: ["POST"],
  session: ["GET", "PUT", "DELETE"],
  calls: ["POST", "PUT"],
  call: ["PUT"],
  destinations: ["GET"],
  service_hours: ["GET"],
  openapi: ["GET"],
  docs: ["GET"],
  docs_asset: ["GET"],
  elsewhere: ["GET", "POST"],
};

function requestFor(route: Route): fc.Arbitrary<FuzzRequest> {
  const method = mostly(
    fc.constantFrom(...methodsOf[route]),
    fc.oneof(
      { arbitrary: fc.constantFrom(...knownMethods), weight: 2 },
      { arbitrary: fc.constantFrom("CONNECT", "get", "FOO", "M-SEARCH", "PROPFIND"), weight: 1 },
    ),
    0.9,
  );
  return fc.record({
    route: fc.constant(route),
    method,
    sessionId: idSpec("session"),
    callId: idSpec("call"),
    decorations: mostly(
      fc.constant([] as Decoration[]),
      fc.array(decoration, { minLength: 1, maxLength: 2 }),
    ),
    auth: authSpec,
    body: bodyFor(route),
    contentType: contentTypeSpec,
    framing,
    host,
    extraHeaders,
  });
}

/** Requests to every endpoint, weighted toward those with bodies and ids. */
export const fuzzRequest: fc.Arbitrary<FuzzRequest> = fc.oneof(
  { arbitrary: requestFor("sessions"), weight: 4 },
  { arbitrary: requestFor("session"), weight: 5 },
  { arbitrary: requestFor("calls"), weight: 5 },
  { arbitrary: requestFor("call"), weight: 5 },
  { arbitrary: requestFor("destinations"), weight: 1 },
  { arbitrary: requestFor("service_hours"), weight: 1 },
  { arbitrary: requestFor("openapi"), weight: 1 },
  { arbitrary: requestFor("docs"), weight: 1 },
  { arbitrary: requestFor("docs_asset"), weight: 1 },
  { arbitrary: requestFor("elsewhere"), weight: 1 },
);

/**
 * Requests whose body framing lies or is missing, often without a content type: bodies that end
 * early, or never, or that run into the next request, for the layers that read bodies.
 */
export const framingAbuse: fc.Arbitrary<FuzzRequest> = fc
  .tuple(
    fuzzRequest,
    oddFraming,
    mostly<ContentTypeSpec>(fc.constant({ kind: "none" }), contentTypeSpec, 0.5),
  )
  .map(([spec, framing, contentType]) => ({ ...spec, framing, contentType }));

/** What the running stack knows, to turn names into ids, tokens and claims. */
export interface World {
  port: number;
  /** The seeded devices' sessions (newest first) and the client call ids of each. */
  sessionsOf(device: 0 | 1 | 2 | 3): { id: string; callIds: string[] }[];
  token(name: TokenName): string;
  /** The claims a token carries, when it is one the service accepts. */
  claimsOf(name: TokenName): { clientId: string; deviceCode: string } | undefined;
}

export interface Rendered {
  request: RawRequest;
  /** The device code the service will see, when the credentials are good. */
  identity?: { clientId: string; deviceCode: string };
  /** Node's parser or the server adapter may refuse it before the app sees it. */
  transportRisk: boolean;
  /** A route of the API (method and path), so "no route" would be a routing bug. */
  routed: boolean;
}

/**
 * The app acts on these without reading a body, so Node may refuse what follows such a request
 * (junk framing) after the app took it: a DELETE would end a session with no answer to show for
 * it. They are sent whole; a framing lie is for requests whose action needs their body.
 */
const actsWithoutBody = ["GET", "HEAD", "DELETE"];
const framingHeaders = ["content-length", "transfer-encoding"];

const routeTemplates: Record<Route, string> = {
  sessions: "/video/v2/sessions",
  session: "/video/v2/sessions/{sid}",
  calls: "/video/v2/sessions/{sid}/calls",
  call: "/video/v2/sessions/{sid}/calls/{cid}",
  destinations: "/video/v2/destinations",
  service_hours: "/video/v2/service_hours",
  openapi: "/openapi.json",
  docs: "/docs",
  docs_asset: "/docs/assets/{cid}",
  elsewhere: "/video/v2/{cid}",
};

export function render(spec: FuzzRequest, world: World): Rendered {
  const sessionOf = (id: IdSpec): { id: string; callIds: string[] } | undefined => {
    if (id.kind === "text") return undefined;
    const sessions = world.sessionsOf(id.device === "own" ? ownDevice(spec.auth) : id.device);
    return sessions[id.pick % Math.max(sessions.length, 1)];
  };
  const session = sessionOf(spec.sessionId);
  const sid = spec.sessionId.kind === "text" ? spec.sessionId.text : (session?.id ?? "none");
  // A call of the path's session, when it has one: a call of another session is mostly a 404.
  const callIds = session?.callIds.length
    ? session.callIds
    : (sessionOf(spec.callId)?.callIds ?? []);
  const cid =
    spec.callId.kind === "text"
      ? spec.callId.text
      : (callIds[spec.callId.pick % Math.max(callIds.length, 1)] ?? "call-1");
  const target = decorate(
    routeTemplates[spec.route].replace("{sid}", sid).replace("{cid}", cid),
    spec.decorations,
    world.port,
  );

  const claims =
    spec.auth.kind === "token" ? world.claimsOf(spec.auth.token) : world.claimsOf("device:0");
  const values: Record<Ref["$ref"], string> = {
    client_id: claims?.clientId ?? "bcsc-demo-app",
    device_code: claims?.deviceCode ?? "fuzz-device-0",
    session_id: session?.id ?? sid,
    call_id: cid,
  };
  const { bytes, natural } = bodyBytes(spec.body, values);

  const headers: [string, string][] = [];
  if (spec.host !== "$none") {
    headers.push(["host", spec.host === "$host" ? `127.0.0.1:${world.port}` : spec.host]);
  }
  const auth = spec.auth;
  if (auth.kind === "token") {
    const value = `${auth.scheme}${world.token(auth.token)}${auth.suffix}`;
    headers.push(["authorization", value]);
    if (auth.duplicate) headers.push(["authorization", "Bearer junk"]);
  } else if (auth.kind === "junk") headers.push(["authorization", auth.header]);
  const type = spec.contentType;
  if (type.kind === "natural" && natural)
    headers.push(["content-type", `${natural}${type.params}`]);
  if (type.kind === "given") headers.push(["content-type", type.value]);
  if (type.kind === "twice") {
    headers.push(["content-type", type.first], ["content-type", type.second]);
  }
  const whole = actsWithoutBody.includes(spec.method);
  const framing = whole ? "content-length" : spec.framing;
  headers.push(...spec.extraHeaders.filter(([name]) => !whole || !framingHeaders.includes(name)));

  const body = Buffer.from(bytes, "latin1");
  const request: RawRequest = { method: spec.method, target, headers, body };
  if (framing === "chunked") request.chunked = true;
  if (framing === "no-length") request.noContentLength = true;
  if (framing === "short-length" || framing === "long-length") {
    const length = framing === "short-length" ? Math.floor(body.length / 2) : body.length + 10;
    request.noContentLength = true;
    request.halfClose = framing === "long-length";
    headers.push(["content-length", String(length)]);
  }

  const good =
    auth.kind === "token" &&
    /^bearer\s+$/i.test(auth.scheme) &&
    /^\s*$/.test(auth.suffix) &&
    !auth.duplicate;
  const risky = transportRisk(request, spec.host, framing);
  return {
    request,
    identity: good ? claims : undefined,
    transportRisk: risky,
    routed: !risky && routed(spec),
  };
}

/** What leaves the route as it is: `/x` and `/x/` route the same; dot segments resolve. */
const sameRoute: Decoration[] = [
  "trailing-slash",
  "dot-segment",
  "dot-dot-segment",
  "encoded-dot-dot",
];

const apiRoutes: Route[] = [
  "sessions",
  "session",
  "calls",
  "call",
  "destinations",
  "service_hours",
];

function routed(spec: FuzzRequest): boolean {
  return (
    apiRoutes.includes(spec.route) &&
    methodsOf[spec.route].includes(spec.method) &&
    spec.sessionId.kind !== "text" &&
    spec.callId.kind !== "text" &&
    // A fragment has no place in a request target: that one may well be no route.
    spec.decorations.every((decoration) =>
      typeof decoration === "object" ? "query" in decoration : sameRoute.includes(decoration),
    ) &&
    // `/x//` is another path.
    spec.decorations.filter((decoration) => decoration === "trailing-slash").length < 2
  );
}

function ownDevice(auth: AuthSpec): 0 | 1 | 2 | 3 {
  if (auth.kind !== "token") return 0;
  const seeded = ["device:0", "device:1", "device:2"].indexOf(auth.token);
  return seeded < 0 ? 3 : (seeded as 0 | 1 | 2);
}

function decorate(path: string, decorations: Decoration[], port: number): string {
  let target = path;
  let suffix = "";
  for (const decoration of decorations) {
    if (typeof decoration === "object") {
      suffix += "query" in decoration ? `?${decoration.query}` : `#${decoration.fragment}`;
      continue;
    }
    switch (decoration) {
      case "trailing-slash":
        target = `${target}/`;
        break;
      case "double-slash":
        target = target.replace("/v2/", "//v2//");
        break;
      case "dot-segment":
        target = target.replace("/v2/", "/./v2/./");
        break;
      case "dot-dot-segment":
        target = target.replace("/v2/", "/v2/x/../");
        break;
      case "encoded-dot-dot":
        target = target.replace("/v2/", "/v2/x/%2e%2e/");
        break;
      case "upper-case":
        target = target.toUpperCase();
        break;
      case "absolute-form":
        target = `http://127.0.0.1:${port}${target}`;
        break;
    }
  }
  return `${target}${suffix}`;
}

/** The body as a byte string, and the content type that fits it. */
function bodyBytes(
  body: BodySpec,
  values: Record<Ref["$ref"], string>,
): { bytes: string; natural?: string } {
  const resolve = (value: string | Ref) => (typeof value === "string" ? value : values[value.$ref]);
  switch (body.kind) {
    case "none":
      return { bytes: "" };
    case "json": {
      const text = JSON.stringify(body.value, (_key, value) =>
        value && typeof value === "object" && "$ref" in value && value.$ref in values
          ? values[value.$ref as Ref["$ref"]]
          : value,
      );
      return { bytes: encode(text ?? "", body.encoding), natural: "application/json" };
    }
    case "form": {
      const pairs = body.pairs.map(
        ([key, value]) => `${percentEncode(key)}=${percentEncode(resolve(value))}`,
      );
      const text = [...pairs, ...(body.raw ? [body.raw] : [])].join("&");
      return { bytes: latin1OfUtf8(text), natural: "application/x-www-form-urlencoded" };
    }
    case "multipart": {
      const parts = body.parts.map(
        ([key, value]) =>
          `--${body.boundary}\r\ncontent-disposition: form-data; name="${key}"\r\n\r\n` +
          `${resolve(value)}\r\n`,
      );
      const end = body.broken ? `--${body.boundary}` : `--${body.boundary}--\r\n`;
      return {
        bytes: latin1OfUtf8(parts.join("") + end),
        natural: `multipart/form-data; boundary=${body.boundary}`,
      };
    }
    case "bytes":
      return { bytes: body.bytes, natural: "application/json" };
    case "huge": {
      const fill = latin1OfUtf8(body.fill);
      const text = `{"status":"${fill.repeat(Math.ceil(body.size / fill.length))}"}`;
      return { bytes: text, natural: "application/json" };
    }
    case "deep":
      return { bytes: body.open.repeat(body.depth), natural: "application/json" };
  }
}

function encode(text: string, encoding: Encoding): string {
  const utf8 = latin1OfUtf8(text);
  if (typeof encoding === "object") {
    if ("insert" in encoding) {
      const at = Math.min(encoding.insert, utf8.length);
      return utf8.slice(0, at) + String.fromCharCode(encoding.byte) + utf8.slice(at);
    }
    if ("truncate" in encoding) return utf8.slice(0, encoding.truncate);
    return utf8 + latin1OfUtf8(encoding.trailing);
  }
  switch (encoding) {
    case "utf8":
      return utf8;
    case "bom":
      return `\xef\xbb\xbf${utf8}`;
    case "utf16le":
      return `\xff\xfe${Buffer.from(text, "utf16le").toString("latin1")}`;
    case "latin1":
      // Code points above 0xff are cut to a byte: invalid UTF-8 wherever the text is not ASCII.
      return Array.from(text, (char) =>
        String.fromCharCode((char.codePointAt(0) ?? 0) & 0xff),
      ).join("");
    case "whitespace":
      return ` \r\n\t${utf8}\n `;
  }
}

/**
 * Whether Node's HTTP parser or the server adapter may answer (or hang up) before the app sees
 * the request: bytes HTTP does not allow in the target or a header, an odd host, an unknown
 * method, a Content-Length that lies, headers over Node's 16 KiB.
 */
function transportRisk(request: RawRequest, host: string, framing: Framing): boolean {
  const badTarget = /[^\x21-\x7e]|\\/.test(request.target) || /^http/i.test(request.target);
  const badHeader = request.headers.some(
    ([name, value]) =>
      /[^\t\x20-\x7e\x80-\xff]/.test(value) ||
      ["content-length", "transfer-encoding", "expect"].includes(name) ||
      (name === "host" && !/^[a-z0-9.-]+(:\d+)?$/i.test(value)),
  );
  const size =
    request.target.length + request.headers.reduce((n, [k, v]) => n + k.length + v.length, 0);
  return (
    badTarget ||
    badHeader ||
    host === "$none" ||
    !knownMethods.includes(request.method) ||
    framing === "no-length" ||
    framing === "short-length" ||
    framing === "long-length" ||
    size > 12 * 1024
  );
}
