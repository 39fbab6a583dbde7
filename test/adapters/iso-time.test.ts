import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { isoTime } from "../../adapters/http/iso-time.ts";

const asDate = (ms: number) => {
  try {
    return new Date(ms).toISOString();
  } catch (error) {
    return String(error);
  }
};
const asIsoTime = (ms: number) => {
  try {
    return isoTime(ms);
  } catch (error) {
    return String(error);
  }
};

/** The timeline's times, spelled out from the time of day, are exactly what Date spells. */
describe("isoTime", () => {
  it("spells every time as Date#toISOString does, near and far, in order and not", () => {
    const around = (from: number) =>
      fc.integer({ min: from - 3 * 86_400_000, max: from + 3 * 86_400_000 });
    fc.assert(
      fc.property(
        fc.array(
          fc.oneof(
            around(Date.UTC(2026, 11, 2)),
            around(0),
            around(Date.UTC(10_000, 0, 1)),
            fc.integer({ min: -8.64e15, max: 8.64e15 }),
            fc.constantFrom(-8.64e15 - 1, 8.64e15 + 1, 1.5, -0.5, Number.NaN),
          ),
          { minLength: 1, maxLength: 50 },
        ),
        (times) => {
          for (const ms of times) expect(asIsoTime(ms)).toBe(asDate(ms));
        },
      ),
      { numRuns: 500 },
    );
  });
});
