/**
 * Runs requests that arrive together as one statement (one round trip, one commit): under load dozens of
 * callbacks arrive within a millisecond, and a round trip costs more than the rows it carries. Nothing waits
 * for a batch to fill: a batch goes out on the next turn of the event loop whenever fewer than `maxInFlight`
 * are running, so a lone request is not delayed. If a batch fails, its requests are run one by one, so one bad
 * request fails only its own caller.
 */
export class StatementBatcher<I, O> {
  private queue: { input: I; resolve(o: O): void; reject(err: unknown): void }[] = [];
  private inFlight = 0;
  private scheduled = false;

  /** `run` answers each input in order (one output per input). */
  constructor(
    private readonly run: (inputs: I[]) => Promise<O[]>,
    private readonly opts: { maxBatch: number; maxInFlight: number },
  ) {}

  submit(input: I): Promise<O> {
    return new Promise<O>((resolve, reject) => {
      this.queue.push({ input, resolve, reject });
      this.schedule();
    });
  }

  private schedule(): void {
    if (this.scheduled || this.inFlight >= this.opts.maxInFlight || this.queue.length === 0) return;
    this.scheduled = true;
    setImmediate(() => {
      this.scheduled = false;
      void this.flush();
    });
  }

  private async flush(): Promise<void> {
    const batch = this.queue.splice(0, this.opts.maxBatch);
    if (batch.length === 0) return;
    this.inFlight++;
    try {
      await this.runBatch(batch);
    } finally {
      this.inFlight--;
      this.schedule();
    }
  }

  private async runBatch(batch: { input: I; resolve(o: O): void; reject(err: unknown): void }[]): Promise<void> {
    let out: O[];
    try {
      out = await this.run(batch.map((w) => w.input));
      if (out.length !== batch.length) throw new Error(`a batch of ${batch.length} got ${out.length} answers`);
    } catch (err) {
      if (batch.length === 1) {
        batch[0]!.reject(err);
        return;
      }
      await Promise.all(
        batch.map(async (w) => {
          try {
            const [one] = await this.run([w.input]);
            w.resolve(one as O);
          } catch (e) {
            w.reject(e);
          }
        }),
      );
      return;
    }
    batch.forEach((w, i) => w.resolve(out[i]!));
  }
}
