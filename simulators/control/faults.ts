import { z } from "@hono/zod-openapi";
import type { NodeBindings } from "../shared/node-bindings.ts";
import type { SimClock } from "./clock.ts";
import type { Random } from "./random.ts";

export const faultSpecSchema = z.object({
  match: z.object({
    method: z.string().min(1).optional(),
    /** Exact path, or a prefix when it ends with `*`. */
    path: z.string().regex(/^\//),
  }),
  respond: z
    .object({
      status: z.number().int().min(100).max(599).default(500),
      body: z.unknown().optional(),
      headers: z.record(z.string(), z.string()).optional(),
    })
    .optional(),
  latencyMs: z.number().int().min(0).optional(),
  /** How many matching requests it applies to; unlimited when absent. */
  times: z.number().int().min(1).optional(),
  /** Chance (0..1] that a matching request is affected; the seeded PRNG decides. */
  probability: z.number().gt(0).max(1).optional(),
  kind: z.enum(["reset", "malformed-json"]).optional(),
});

export type FaultSpec = z.infer<typeof faultSpecSchema>;

export const faultSchema = faultSpecSchema
  .extend({
    id: z.string(),
    /** Requests it has affected so far. */
    hits: z.number().int(),
  })
  .openapi("Fault");

export type Fault = z.infer<typeof faultSchema>;

/** Injected misbehaviour, consulted before the simulator sees a request. */
export class Faults {
  #faults: Fault[] = [];
  #nextId = 1;
  readonly #random: Random;

  constructor(random: Random) {
    this.#random = random;
  }

  add(spec: FaultSpec): Fault {
    const fault: Fault = { ...spec, id: `fault-${this.#nextId++}`, hits: 0 };
    this.#faults.push(fault);
    return fault;
  }

  list(): Fault[] {
    return [...this.#faults];
  }

  /** Whether any fault is waiting for requests. */
  armed(): boolean {
    return this.#faults.length > 0;
  }

  remove(id: string): boolean {
    const before = this.#faults.length;
    this.#faults = this.#faults.filter((fault) => fault.id !== id);
    return this.#faults.length < before;
  }

  clear(): void {
    this.#faults = [];
  }

  /** The fault that takes this request, if any; counts it as used. */
  take(method: string, path: string): Fault | undefined {
    for (const fault of this.#faults) {
      if (!matches(fault, method, path)) continue;
      if (fault.probability !== undefined && this.#random.next() >= fault.probability) continue;
      fault.hits++;
      if (fault.times !== undefined && fault.hits >= fault.times) this.remove(fault.id);
      return fault;
    }
    return undefined;
  }
}

function matches(fault: Fault, method: string, path: string): boolean {
  if (fault.match.method && fault.match.method.toUpperCase() !== method) return false;
  const pattern = fault.match.path;
  return pattern.endsWith("*") ? path.startsWith(pattern.slice(0, -1)) : path === pattern;
}

/**
 * What the fault makes of the request: a response to send instead of the simulator's, or
 * undefined to let the simulator answer (after the fault's latency).
 */
export async function applyFault(
  fault: Fault,
  clock: SimClock,
  env: unknown,
): Promise<Response | undefined> {
  if (fault.latencyMs) {
    const latencyMs = fault.latencyMs;
    await new Promise<void>((resolve) => clock.setTimer(latencyMs, resolve));
  }
  if (fault.kind === "reset") return resetConnection(env);
  const headers = new Headers(fault.respond?.headers);
  if (fault.kind === "malformed-json") {
    headers.set("content-type", "application/json");
    return new Response('{"status": "succ', { status: fault.respond?.status ?? 200, headers });
  }
  if (!fault.respond) return undefined;
  const { body, status } = fault.respond;
  if (body !== undefined && typeof body !== "string" && !headers.has("content-type")) {
    headers.set("content-type", "application/json");
  }
  const text = body === undefined || typeof body === "string" ? body : JSON.stringify(body);
  return new Response(text ?? null, { status, headers });
}

function resetConnection(env: unknown): Response {
  const socket = (env as NodeBindings | undefined)?.incoming?.socket;
  if (socket) {
    socket.destroy();
    return new Response(null, { status: 500 });
  }
  // Elsewhere (in-process, Deno) the closest portable thing: the body fails while being read.
  const failing = new ReadableStream({
    start: (controller) => controller.error(new TypeError("connection reset by simulator fault")),
  });
  return new Response(failing, { status: 200 });
}
