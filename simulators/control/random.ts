/** A seeded source of every random choice of a simulator, so a seed reproduces a run. */
export interface Random {
  readonly seed: number;
  /** Uniform in [0, 1). */
  next(): number;
  /** Uniform integer in [0, max). */
  int(max: number): number;
  digits(count: number): string;
  hex(byteCount: number): string;
  bytes(count: number): Uint8Array;
  pick<T>(items: readonly T[]): T;
  /** An RFC 4122 version 4 UUID drawn from this generator. */
  uuid(): string;
}

/** mulberry32: tiny, fast and good enough for test data (not for secrets). */
export function createRandom(seed: number): Random {
  let state = seed >>> 0;
  const next = (): number => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const int = (max: number): number => Math.floor(next() * max);
  const bytes = (count: number): Uint8Array => Uint8Array.from({ length: count }, () => int(256));
  const hex = (byteCount: number): string =>
    Array.from(bytes(byteCount), (byte) => byte.toString(16).padStart(2, "0")).join("");

  return {
    seed,
    next,
    int,
    bytes,
    hex,
    digits(count) {
      let digits = "";
      for (let i = 0; i < count; i++) digits += int(10);
      return digits;
    },
    pick<T>(items: readonly T[]): T {
      if (items.length === 0) throw new RangeError("pick() needs at least one item");
      return items[int(items.length)] as T;
    },
    uuid() {
      const h = hex(16);
      const variant = ((Number.parseInt(h[16] ?? "0", 16) & 0x3) | 0x8).toString(16);
      return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-${variant}${h.slice(17, 20)}-${h.slice(20, 32)}`;
    },
  };
}

/** A fresh seed for runs that did not ask for one (reported by /_sim/health to replay the run). */
export function randomSeed(): number {
  return crypto.getRandomValues(new Uint32Array(1))[0] ?? 1;
}

/** Derives an independent stream, so adding a random choice in one place does not shift another. */
export function deriveSeed(seed: number, stream: number): number {
  return (Math.imul(seed ^ 0x9e3779b9, 0x85ebca6b) + Math.imul(stream + 1, 0xc2b2ae35)) >>> 0;
}
