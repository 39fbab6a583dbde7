const dayMs = 86_400_000;
/** The latest (and, negated, the earliest) time a Date can hold. */
const lastTime = 8.64e15;
const padded = (width: number) =>
  Array.from({ length: 10 ** width }, (_, n) => String(n).padStart(width, "0"));
const twoDigits = padded(2);
const threeDigits = padded(3);

/** The day last formatted: a timeline's thousands of times mostly share a few days. */
let dayStart = Number.NaN;
let dayText = "";

/**
 * `new Date(ms).toISOString()`, spelled out from the time of day: building a Date and formatting
 * it takes a tenth of a long call's timeline read. Fractions and times out of range fall back.
 */
export function isoTime(ms: number): string {
  if (!Number.isInteger(ms) || Math.abs(ms) > lastTime) return new Date(ms).toISOString();
  if (!(ms >= dayStart && ms < dayStart + dayMs)) {
    dayStart = ms - (((ms % dayMs) + dayMs) % dayMs);
    dayText = new Date(dayStart).toISOString().slice(0, -13);
  }
  const inDay = ms - dayStart;
  const seconds = Math.floor(inDay / 1000);
  return `${dayText}${twoDigits[Math.floor(seconds / 3600)]}:${twoDigits[Math.floor(seconds / 60) % 60]}:${twoDigits[seconds % 60]}.${threeDigits[inDay % 1000]}Z`;
}
