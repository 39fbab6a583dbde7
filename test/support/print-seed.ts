import { beforeEach } from "vitest";
import { seedsUsed } from "./sim-seed.ts";

// Vitest setup file: a failing test that ran simulators says how to replay it with the same seed.
beforeEach(({ onTestFailed, task }) => {
  onTestFailed(() => {
    const seeds = seedsUsed();
    if (seeds.length === 0) return;
    const rerun = `npx vitest run ${task.file.name} -t ${JSON.stringify(task.name)}`;
    console.error(
      `Simulator seed: SIM_SEED=${seeds.join(",")}   (replay: SIM_SEED=${seeds[0]} ${rerun})`,
    );
  });
});
