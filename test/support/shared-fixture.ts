import { afterAll } from "vitest";

/**
 * Something costly that every case of a file may share (a simulator and its socket): started on
 * first use, stopped after the file's last case. Cases reset it rather than start their own.
 */
export function sharedFixture<T>(start: () => Promise<T>, stop: (fixture: T) => Promise<void>) {
  let started: Promise<T> | undefined;
  afterAll(async () => {
    if (started) await stop(await started);
  });
  return (): Promise<T> => {
    started ??= start();
    return started;
  };
}
