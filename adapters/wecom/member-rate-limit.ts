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
    if (lastMinute.length >= this.limits.perMinute) {
      this.sent.set(key, times);
      return { ok: false, retryAfterMs: lastMinute[0]! + 60_000 - now + 50 };
    }
    if (times.length >= this.limits.perHour) {
      this.sent.set(key, times);
      return { ok: false, retryAfterMs: times[0]! + 3600_000 - now + 50 };
    }
    times.push(now);
    this.sent.set(key, times);
    return { ok: true };
  }

  /** Gives back a slot taken for a message that was not sent after all. */
  untake(userid: string): void {
    this.sent.get(userid.toLowerCase())?.pop();
  }
}
