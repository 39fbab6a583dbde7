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

/**
 * The requests a simulator received, oldest first. A ring of `capacity` slots, so that a load
 * test cannot exhaust memory and recording costs one store; `seq` keeps counting, so a gap shows
 * that entries were dropped. Requests are kept as they came; their secrets are redacted when
 * read, unless `secrets` is "show".
 */
export class Journal {
  readonly capacity: number;
  readonly #secrets: JournalSecrets;
  readonly #slots: (JournalRecord | undefined)[];
  /** The seq the next record gets; the record of seq `n` is in slot `(n - 1) % capacity`. */
  #nextSeq = 1;
  /** How many of the latest seqs are still held (fewer after a clear). */
  #held = 0;

  constructor(capacity = 10_000, secrets: JournalSecrets = "redact") {
    this.capacity = capacity;
    this.#secrets = secrets;
    this.#slots = new Array(capacity);
  }

  record(request: JournalRecord): void {
    this.#slots[(this.#nextSeq - 1) % this.capacity] = request;
    this.#nextSeq++;
    if (this.#held < this.capacity) this.#held++;
  }

  entries(filter: JournalFilter = {}): JournalEntry[] {
    const method = filter.method?.toUpperCase();
    const pathPrefix = filter.path?.replace(/\*$/, "");
    const entries: JournalEntry[] = [];
    for (let seq = this.#nextSeq - this.#held; seq < this.#nextSeq; seq++) {
      const recorded = this.#slots[(seq - 1) % this.capacity];
      if (
        !recorded ||
        (method !== undefined && recorded.method !== method) ||
        (pathPrefix !== undefined && !recorded.path.startsWith(pathPrefix)) ||
        (filter.since !== undefined && seq <= filter.since)
      )
        continue;
      const entry = asEntry(seq, recorded);
      entries.push(this.#secrets === "show" ? entry : redacted(entry));
    }
    return entries;
  }

  clear(): void {
    this.#slots.fill(undefined);
    this.#held = 0;
  }
}

function asEntry(seq: number, recorded: JournalRecord): JournalEntry {
  const { at, method, path, search, headers, body, status, durationMs, fault } = recorded;
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
