import type { Timers } from "../../core/ports.ts";

/** The system's clock. Its timers are unref'd: the listening server keeps the process up. */
export const systemClock: Timers = {
  now: () => Date.now(),
  setTimer(ms, fn) {
    const handle = setTimeout(fn, ms);
    handle.unref();
    return () => clearTimeout(handle);
  },
};
