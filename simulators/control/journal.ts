import { z } from "@hono/zod-openapi";
import type { RequestHeaders } from "../shared/node-bindings.ts";
import { type JournalSecrets, redactBody, redactHeaders, redactQuery } from "./redaction.ts";

const textRecord = z.record(z.string(), z.string());

export const journalEntrySchema = z
  .strictObject({
    seq: z.number().int(),
    time: z.string(),
    method: z.string(),
    path: z.string(),
    query: textRecord,
    headers: textRecord,
    body: z.string(),
    status: z.number().int(),
    durationMs: z.number(),
    /** Id of the injected fault that answered instead of the simulator, if any. */
    fault: z.string().optional(),
  })
  .openapi("JournalEntry");

export type JournalEntry = z.infer<typeof journalEntrySchema>;

/**
 * A request as a simulator hands it to the journal. The parts that cost time to turn into text
 * (the time, the query, the headers, a body built from an object) are kept as they are and turned
 * into a `JournalEntry` only when the journal is read: a load test writes thousands of entries a
 * second and reads none.
 */
export interface JournalRecord {
  /** When the request arrived (epoch ms, simulator clock). */
  at: number;
  method: string;
  path: string;
  /** The query string, without its `?`. */
  search: string;
  headers: RequestHeaders | Record<string, string>;
  /** The body as received, or how to write it (an in-process call's JSON, say). */
  body: string | (() => string);
  status: number;
  durationMs: number;
  fault?: string;
}

export interface JournalFilter {
  method?: string;
  /** Matches paths starting with it (so an exact path matches too); a trailing `*` is allowed. */
  path?: string;
  /** Only entries with a larger `seq`. */
  since?: number;
}

export const JOURNAL_BODY_LIMIT_BYTES = 64 * 1024;

type Recorded = JournalRecord & { seq: number };

/**
 * The requests a simulator received, oldest first. Bounded (a ring) so that a load test cannot
 * exhaust memory; `seq` keeps counting, so a gap shows that entries were dropped. Requests are
 * kept as they came; their secrets are redacted when read, unless `secrets` is "show".
 */
export class Journal {
  readonly capacity: number;
  readonly #secrets: JournalSecrets;
  #records: Recorded[] = [];
  #nextSeq = 1;

  constructor(capacity = 10_000, secrets: JournalSecrets = "redact") {
    this.capacity = capacity;
    this.#secrets = secrets;
  }

  record(request: JournalRecord): void {
    this.#records.push({ seq: this.#nextSeq++, ...request });
    // Trim in batches: shifting the whole array on every request would cost a load test.
    if (this.#records.length > this.capacity * 1.1)
      this.#records = this.#records.slice(-this.capacity);
  }

  entries(filter: JournalFilter = {}): JournalEntry[] {
    const method = filter.method?.toUpperCase();
    const pathPrefix = filter.path?.replace(/\*$/, "");
    return this.#records
      .slice(-this.capacity)
      .filter(
        (entry) =>
          (method === undefined || entry.method === method) &&
          (pathPrefix === undefined || entry.path.startsWith(pathPrefix)) &&
          (filter.since === undefined || entry.seq > filter.since),
      )
      .map((recorded) => {
        const entry = asEntry(recorded);
        return this.#secrets === "show" ? entry : redacted(entry);
      });
  }

  clear(): void {
    this.#records = [];
  }
}

function asEntry(recorded: Recorded): JournalEntry {
  const { seq, at, method, path, search, headers, body, status, durationMs, fault } = recorded;
  return {
    seq,
    time: new Date(at).toISOString(),
    method,
    path,
    query: Object.fromEntries(new URLSearchParams(search)),
    headers: headerRecord(headers),
    body: truncateBody(typeof body === "function" ? body() : body),
    status,
    durationMs,
    ...(fault ? { fault } : {}),
  };
}

function redacted(entry: JournalEntry): JournalEntry {
  return {
    ...entry,
    query: redactQuery(entry.query),
    headers: redactHeaders(entry.headers),
    body: redactBody(entry.body, entry.headers["content-type"]),
  };
}

function headerRecord(headers: JournalRecord["headers"]): Record<string, string> {
  const entries = headers instanceof Headers ? [...headers] : Object.entries(headers ?? {});
  const record: Record<string, string> = {};
  for (const [name, value] of entries) {
    if (value !== undefined) record[name] = Array.isArray(value) ? value.join(", ") : value;
  }
  return record;
}

/** Cuts a body to the journal's byte limit (a multi-byte character cut in two becomes U+FFFD). */
export function truncateBody(text: string): string {
  if (text.length * 3 <= JOURNAL_BODY_LIMIT_BYTES) return text;
  const bytes = new TextEncoder().encode(text);
  if (bytes.length <= JOURNAL_BODY_LIMIT_BYTES) return text;
  return new TextDecoder().decode(bytes.subarray(0, JOURNAL_BODY_LIMIT_BYTES));
}
