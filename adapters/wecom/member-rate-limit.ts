/**
 * §7 / §15: one app may send a member at most 30 messages a minute and 1000 an hour; WeCom drops the excess
 * **silently** (errcode 0). So the adapter counts per member and defers a message that would be dropped
 * (the outbox retries it after `retryAfterMs`) instead of losing it. Per process: several instances each keep
 * their own count, so run one dispatcher per app or lower the limits (README).
 */
export interface MemberWindow {
  perMinute: number;
  perHour: number;
}

export const WECOM_MEMBER_LIMITS: MemberWindow = { perMinute: 30, perHour: 1000 };

export class MemberRateLimit {
  private readonly sent = new Map<string, number[]>();
  /**
   * Per member, ascending: the times handed to deferred messages that are still to come. The k-th message
   * deferred while k − 1 others wait is told to come back when the k-th slot frees, not when the first does:
   * otherwise a member's whole backlog comes back each time one slot frees (every 2 s at 30/min), and each
   * return is an outbox claim and a write of every row, for one message sent.
   */
  private readonly waiting = new Map<string, number[]>();

  constructor(
    private readonly limits: MemberWindow = WECOM_MEMBER_LIMITS,
    private readonly now: () => number = Date.now,
  ) {}

  /** Counts one message to `userid` if it fits; otherwise how long until it would. */
  take(userid: string): { ok: true } | { ok: false; retryAfterMs: number } {
    const key = userid.toLowerCase(); // §7: WeCom treats userids case-insensitively (answers lower-cased)
    const now = this.now();
    const times = (this.sent.get(key) ?? []).filter((t) => t > now - 3600_000);
    const lastMinute = times.filter((t) => t > now - 60_000);
    if (lastMinute.length >= this.limits.perMinute || times.length >= this.limits.perHour) {
      this.sent.set(key, times);
      return { ok: false, retryAfterMs: this.turn(key, now, times, lastMinute) - now };
    }
    times.push(now);
    this.sent.set(key, times);
    return { ok: true };
  }

  /** Gives back a slot taken for a message that was not sent after all. */
  untake(userid: string): void {
    this.sent.get(userid.toLowerCase())?.pop();
  }

  /**
   * When a message deferred now may be sent: the time the window frees a slot for it, counting the messages
   * already told to come back earlier as sent at their times. With nobody waiting that is when the oldest send
   * leaves the full window.
   */
  private turn(key: string, now: number, times: number[], lastMinute: number[]): number {
    const line = this.waiting.get(key) ?? [];
    while (line.length > 0 && line[0]! <= now) line.shift();
    // The n-th latest of the sends in the window followed by the waiting messages' times.
    const nthLatest = (sends: number[], n: number): number | undefined =>
      n <= line.length ? line[line.length - n] : sends[sends.length - (n - line.length)];
    let at = now;
    const minute = line.length === 0 ? (lastMinute.length >= this.limits.perMinute ? lastMinute[0] : undefined) : nthLatest(lastMinute, this.limits.perMinute);
    if (minute !== undefined) at = Math.max(at, minute + 60_000 + 50);
    const hour = line.length === 0 ? (times.length >= this.limits.perHour ? times[0] : undefined) : nthLatest(times, this.limits.perHour);
    if (hour !== undefined) at = Math.max(at, hour + 3600_000 + 50);
    if (at > now) {
      line.push(at);
      this.waiting.set(key, line);
    }
    return at;
  }
}
