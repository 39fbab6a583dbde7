/** Seeds of the simulators started by the current test file, printed when one of its tests fails. */
const seedsInUse = new Set<number>();

/** The seed for a test's simulators: `SIM_SEED` when set (to replay a failure), else `fallback`. */
export function simSeed(fallback: number): number {
  const text = process.env.SIM_SEED;
  const seed = text === undefined || text === "" ? fallback : Number(text);
  if (!Number.isInteger(seed) || seed < 0) {
    throw new Error(`SIM_SEED must be a non-negative integer, got '${text}'`);
  }
  seedsInUse.add(seed);
  return seed;
}

export function seedsUsed(): number[] {
  return [...seedsInUse];
}
