import type { Fault, FaultSpec, Faults } from "./faults.ts";

/** A named misbehaviour a tester switches on with one request. */
export interface ScenarioDefinition {
  description: string;
  /** Faults armed while the scenario is active (ordinary faults, listed by /_sim/faults). */
  faults?: FaultSpec[];
  /** Switches on behaviour of the simulator's own; returns what switches it off. */
  engage?: () => () => void;
}

const everyRequest = { path: "/*" };
const simulated = (error: string, message: string) => ({ error, message: `Simulated: ${message}` });

/** The scenarios every simulator offers; a simulator may add its own or replace one by name. */
export const COMMON_SCENARIOS: Record<string, ScenarioDefinition> = {
  outage: {
    description: "Every request answers 503",
    faults: [
      {
        match: everyRequest,
        respond: { status: 503, body: simulated("service_unavailable", "outage") },
      },
    ],
  },
  slow: {
    description: "Every request is answered 2 s late (on the simulator's clock)",
    faults: [{ match: everyRequest, latencyMs: 2000 }],
  },
  flaky: {
    description: "30% of requests answer 500 (drawn from the seed)",
    faults: [
      {
        match: everyRequest,
        respond: { status: 500, body: simulated("internal_error", "flaky upstream") },
        probability: 0.3,
      },
    ],
  },
  "rate-limited": {
    description: "Every request answers 429 with Retry-After: 5",
    faults: [
      {
        match: everyRequest,
        respond: {
          status: 429,
          body: simulated("too_many_requests", "rate limited"),
          headers: { "retry-after": "5" },
        },
      },
    ],
  },
  "reset-connections": {
    description: "Every connection is reset before an answer",
    faults: [{ match: everyRequest, kind: "reset" }],
  },
  malformed: {
    description: "Every request answers 200 with truncated JSON",
    faults: [{ match: everyRequest, kind: "malformed-json" }],
  },
};

interface ActiveScenario {
  name: string;
  faults: Fault[];
  disengage?: () => void;
}

/** One scenario at a time: applying one ends the one before (their faults would not combine). */
export class Scenarios {
  readonly #definitions: Record<string, ScenarioDefinition>;
  readonly #faults: Faults;
  #active: ActiveScenario | undefined;

  constructor(definitions: Record<string, ScenarioDefinition>, faults: Faults) {
    this.#definitions = definitions;
    this.#faults = faults;
  }

  list() {
    return Object.entries(this.#definitions).map(([name, { description }]) => ({
      name,
      description,
    }));
  }

  active(): string | undefined {
    return this.#active?.name;
  }

  /** Undefined when no scenario has that name. */
  apply(name: string): { name: string; faults: Fault[] } | undefined {
    const definition = Object.hasOwn(this.#definitions, name) ? this.#definitions[name] : undefined;
    if (!definition) return undefined;
    this.clear();
    const faults = (definition.faults ?? []).map((spec) => this.#faults.add(spec));
    this.#active = { name, faults, disengage: definition.engage?.() };
    return { name, faults };
  }

  /** Ends the active scenario: its faults go, the simulator's own switches are turned off. */
  clear(): void {
    if (!this.#active) return;
    for (const fault of this.#active.faults) this.#faults.remove(fault.id);
    this.#active.disengage?.();
    this.#active = undefined;
  }
}
