// The store's thread from its TypeScript source (tests, `npm start`): a worker thread does not
// inherit tsx from the thread that starts it, so it registers tsx itself, then loads the source.
import { register } from "tsx/esm/api";

register();
await import("./store-thread-worker.ts");
