import { closeSync, fdatasync, fsyncSync, openSync } from "node:fs";
import { dirname } from "node:path";

/**
 * synchronous=FULL after commits made as NORMAL: the write-ahead log's file synced to disk on
 * demand, covering every commit made before the sync began. The sync runs on libuv's pool, so the
 * store's thread goes on with other calls meanwhile. Opened at the first sync, when its folder is
 * synced too, so that the file's name survives as well as what it holds.
 */
export class WalSync {
  private fd?: number;
  private inFlight: Promise<void> = Promise.resolve();

  constructor(private readonly walPath: string) {}

  sync(): Promise<void> {
    if (this.fd === undefined) {
      const fd = openSync(this.walPath, "r");
      const folder = openSync(dirname(this.walPath), "r");
      try {
        fsyncSync(folder);
      } finally {
        closeSync(folder);
      }
      this.fd = fd;
    }
    const fd = this.fd;
    const done = new Promise<void>((resolve, reject) => {
      fdatasync(fd, (error) => (error ? reject(error) : resolve()));
    });
    this.inFlight = done.catch(() => {});
    return done;
  }

  /** Closes the log's file once a sync under way has ended (the connection is closing). */
  async close(): Promise<void> {
    await this.inFlight;
    if (this.fd !== undefined) closeSync(this.fd);
    this.fd = undefined;
  }
}
