/** A demo step that failed; `message` names the step and the cause, fit for a terminal. */
export class DemoStepFailed extends Error {
  override name = "DemoStepFailed";
  constructor(
    readonly step: string,
    cause: unknown,
  ) {
    super(`${step} failed: ${describeError(cause)}`, { cause });
  }
}

/** Runs the demo's steps one at a time, logging one line per step with its start and duration. */
export class Steps {
  readonly #startedAt = performance.now();
  constructor(readonly log: (line: string) => void) {}

  get elapsedMs(): number {
    return performance.now() - this.#startedAt;
  }

  async run<Result>(
    step: string,
    action: () => Promise<Result>,
    describe: (result: Result) => string,
  ): Promise<Result> {
    const startedAt = this.elapsedMs;
    let result: Result;
    try {
      result = await action();
    } catch (error) {
      this.#print(startedAt, `✗ ${step}`, describeError(error));
      throw new DemoStepFailed(step, error);
    }
    this.#print(startedAt, `✓ ${step}`, describe(result));
    return result;
  }

  /** A line outside the steps, e.g. while cleaning up after a failure. */
  note(text: string): void {
    this.log(`${formatSeconds(this.elapsedMs)}   ${text}`);
  }

  #print(startedAt: number, title: string, detail: string): void {
    const took = Math.round(this.elapsedMs - startedAt);
    this.log(`${formatSeconds(startedAt)} ${title}: ${detail} (${took} ms)`);
  }
}

function formatSeconds(ms: number): string {
  return `[${(ms / 1000).toFixed(3).padStart(7)}s]`;
}

/** The message of an error and of its causes, e.g. "fetch failed (connect ECONNREFUSED ...)". */
export function describeError(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  const cause = error.cause === undefined ? "" : ` (${describeError(error.cause)})`;
  return `${error.message}${cause}`;
}
