import { availableParallelism } from "node:os";
import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["test/**/*.test.ts"],
    setupFiles: ["test/support/print-seed.ts"],
    // One dev CA for the run, trusted by the workers; a real PostgreSQL server (or
    // TEST_DATABASE_URL's).
    globalSetup: ["test/support/dev-tls-setup.ts", "test/support/postgres-global-setup.ts"],
    testTimeout: 20_000,
    hookTimeout: 20_000,
    pool: "forks",
    // Most tests wait on sockets and child processes: a worker more than the cores keeps them
    // busy while one waits (on this 2-core machine 3 workers took 93–95 s where 2 took 101).
    maxWorkers: availableParallelism() + 1,
    // A worker keeps its modules from file to file (Hono, zod, undici are imported once, not 49
    // times); no test relies on a fresh module registry, and each builds its own stack.
    isolate: false,
  },
});
