interface Waiting<In, Out> {
  input: In;
  resolve(output: Out): void;
  reject(error: unknown): void;
}

/**
 * One statement for many callers: the calls of one turn of the event loop go together, and a call
 * made while a batch is out waits for it and goes with the others in the next, so a busy replica
 * makes one round trip for many requests. `send` answers the inputs in their order.
 */
export class Batches<In, Out> {
  private waiting: Waiting<In, Out>[] = [];
  private sending = false;

  constructor(
    private readonly send: (inputs: In[]) => Promise<Out[]>,
    private readonly most: number,
  ) {}

  run(input: In): Promise<Out> {
    return new Promise((resolve, reject) => {
      // The first call of an idle batch goes at the end of this turn, with the calls of the
      // other requests the turn handles.
      if (this.waiting.push({ input, resolve, reject }) === 1 && !this.sending) {
        this.sending = true;
        setImmediate(() => void this.sendWaiting());
      }
    });
  }

  private async sendWaiting(): Promise<void> {
    while (this.waiting.length > 0) {
      const batch = this.waiting.splice(0, this.most);
      try {
        const outputs = await this.send(batch.map((waiting) => waiting.input));
        for (const [index, waiting] of batch.entries()) waiting.resolve(outputs[index] as Out);
      } catch (error) {
        for (const waiting of batch) waiting.reject(error);
      }
    }
    this.sending = false;
  }
}
