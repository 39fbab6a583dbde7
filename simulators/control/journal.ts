export interface JournalEntry {
  seq: number;
  time: string;
  method: string;
  path: string;
  query: Record<string, string>;
  headers: Record<string, string>;
  body: string;
  status: number;
  durationMs: number;
  /** Id of the injected fault that answered instead of the simulator, if any. */
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
 * The requests a simulator received, oldest first. Bounded (a ring) so that a load test cannot
 * exhaust memory; `seq` keeps counting, so a gap shows that entries were dropped.
 */
export class Journal {
  readonly capacity: number;
  #entries: JournalEntry[] = [];
  #nextSeq = 1;

  constructor(capacity = 10_000) {
    this.capacity = capacity;
  }

  record(entry: Omit<JournalEntry, "seq">): JournalEntry {
    const recorded = { seq: this.#nextSeq++, ...entry };
    this.#entries.push(recorded);
    // Trim in batches: shifting the whole array on every request would cost a load test.
    if (this.#entries.length > this.capacity * 1.1)
      this.#entries = this.#entries.slice(-this.capacity);
    return recorded;
  }

  entries(filter: JournalFilter = {}): JournalEntry[] {
    const method = filter.method?.toUpperCase();
    const pathPrefix = filter.path?.replace(/\*$/, "");
    return this.#entries
      .slice(-this.capacity)
      .filter(
        (entry) =>
          (method === undefined || entry.method === method) &&
          (pathPrefix === undefined || entry.path.startsWith(pathPrefix)) &&
          (filter.since === undefined || entry.seq > filter.since),
      );
  }

  clear(): void {
    this.#entries = [];
  }
}

/** Cuts a body to the journal's byte limit (a multi-byte character cut in two becomes U+FFFD). */
export function truncateBody(text: string): string {
  if (text.length * 3 <= JOURNAL_BODY_LIMIT_BYTES) return text;
  const bytes = new TextEncoder().encode(text);
  if (bytes.length <= JOURNAL_BODY_LIMIT_BYTES) return text;
  return new TextDecoder().decode(bytes.subarray(0, JOURNAL_BODY_LIMIT_BYTES));
}
