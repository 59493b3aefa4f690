/** Wake-ups between parts of the server: this process's listeners directly, other processes' by `pg_notify`. */

/** This process's listeners, by channel. */
export class LocalListeners {
  private readonly byChannel = new Map<string, Set<() => void>>();

  add(channel: string, fn: () => void): () => void {
    let set = this.byChannel.get(channel);
    if (!set) this.byChannel.set(channel, (set = new Set()));
    set.add(fn);
    return () => set.delete(fn);
  }

  fire(channel: string): void {
    for (const fn of this.byChannel.get(channel) ?? []) {
      try {
        fn();
      } catch {
        // a hint; the listener's own poll covers it
      }
    }
  }
}

/** Minimum time between two coalesced notifications of a channel to other processes. */
export const NOTIFY_GAP_MS = 50;

/** `pg_notify` for other processes, coalesced per channel (see Database.notify). */
export class RemoteNotifier {
  private readonly state = new Map<string, { busy: boolean; again: boolean }>();
  private readonly timers = new Set<NodeJS.Timeout>();
  private closed = false;

  constructor(private readonly send: (channel: string) => Promise<unknown>) {}

  schedule(channel: string): void {
    let st = this.state.get(channel);
    if (!st) this.state.set(channel, (st = { busy: false, again: false }));
    if (st.busy) {
      st.again = true;
      return;
    }
    this.run(channel, st);
  }

  private run(channel: string, st: { busy: boolean; again: boolean }): void {
    if (this.closed) return;
    st.busy = true;
    st.again = false;
    void this.send(channel)
      .catch(() => undefined) // a hint; the dispatchers' polls cover a lost one
      .then(() => {
        if (this.closed) return;
        const timer = setTimeout(() => {
          this.timers.delete(timer);
          st.busy = false;
          if (st.again) this.run(channel, st);
        }, NOTIFY_GAP_MS);
        timer.unref();
        this.timers.add(timer);
      });
  }

  close(): void {
    this.closed = true;
    for (const t of this.timers) clearTimeout(t);
    this.timers.clear();
  }
}
