import { close, closeSync, fdatasync, fsync, open } from "node:fs";
import { dirname } from "node:path";
import { promisify } from "node:util";

const openFile = promisify(open);
const syncData = promisify(fdatasync);
const syncAll = promisify(fsync);
const closeFile = promisify(close);

/**
 * synchronous=FULL without blocking the event loop: the connection commits with NORMAL (the
 * write-ahead log reaches the operating system, which a killed process does not lose) and a
 * durable commit is answered once this has flushed the log to disk on libuv's thread pool. That is
 * what FULL does after every commit (checkpoints sync as before), with the wait off the event loop.
 * Asked while a flush is under way, it waits for the next one, which every caller meanwhile
 * shares: a flush covers every frame written before it began.
 */
export class WalFlush {
  private file?: Promise<number>;
  private running?: Promise<void>;
  private next?: Promise<void>;

  constructor(private readonly walPath: string) {}

  flush(): Promise<void> {
    if (!this.running) {
      const running = this.sync().finally(() => {
        if (this.running === running) this.running = undefined;
      });
      this.running = running;
      return running;
    }
    this.next ??= this.running
      .catch(() => {})
      .then(() => {
        this.next = undefined;
        return this.flush();
      });
    return this.next;
  }

  /** Closes the log's file (the connection is closing). */
  close(): void {
    this.file?.then(closeSync, () => {});
  }

  private async sync(): Promise<void> {
    this.file ??= this.openLog().catch((error) => {
      this.file = undefined;
      throw error;
    });
    await syncData(await this.file);
  }

  /** The log's file, opened once; its folder is synced once too, so the file's name survives. */
  private async openLog(): Promise<number> {
    const fd = await openFile(this.walPath, "r");
    const folder = await openFile(dirname(this.walPath), "r");
    try {
      await syncAll(folder);
    } finally {
      await closeFile(folder);
    }
    return fd;
  }
}
