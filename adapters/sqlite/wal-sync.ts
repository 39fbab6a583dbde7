import { closeSync, fdatasyncSync, fsyncSync, openSync } from "node:fs";
import { dirname } from "node:path";

/**
 * synchronous=FULL after commits made as NORMAL: the write-ahead log's file synced to disk on
 * demand, covering every commit made before. Opened at the first sync, when its folder is synced
 * too, so that the file's name survives as well as what it holds.
 */
export class WalSync {
  private fd?: number;

  constructor(private readonly walPath: string) {}

  sync(): void {
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
    fdatasyncSync(this.fd);
  }

  /** Closes the log's file (the connection is closing). */
  close(): void {
    if (this.fd !== undefined) closeSync(this.fd);
    this.fd = undefined;
  }
}
