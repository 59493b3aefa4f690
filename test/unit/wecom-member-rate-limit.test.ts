import { describe, expect, it } from 'vitest';
import { MemberRateLimit } from '../../adapters/wecom/member-rate-limit.js';

/** Takes one slot at `at` (ms) and returns the answer. */
function takeAt(limit: MemberRateLimit, clock: { now: number }, at: number, who = 'bob') {
  clock.now = at;
  return limit.take(who);
}

describe('WeCom per-member rate limit', () => {
  it('defers the 31st message a minute until the oldest send leaves the window', () => {
    const clock = { now: 0 };
    const limit = new MemberRateLimit({ perMinute: 30, perHour: 1000 }, () => clock.now);
    for (let i = 0; i < 30; i++) expect(takeAt(limit, clock, i * 1000)).toEqual({ ok: true });
    expect(takeAt(limit, clock, 30_000)).toEqual({ ok: false, retryAfterMs: 30_050 });
    // Another member is not affected.
    expect(takeAt(limit, clock, 30_000, 'alice')).toEqual({ ok: true });
    // User ids are case-insensitive.
    expect(takeAt(limit, clock, 30_000, 'BOB')).toMatchObject({ ok: false });
  });

  it('tells each waiting message to come back when its own slot frees, not all when the first does', () => {
    const clock = { now: 0 };
    const limit = new MemberRateLimit({ perMinute: 30, perHour: 1000 }, () => clock.now);
    for (let i = 0; i < 30; i++) takeAt(limit, clock, i * 1000);
    // A backlog of five at 30 s: the sends of 0 s, 1 s, … 4 s leave the window one by one.
    const retries = Array.from({ length: 5 }, () => takeAt(limit, clock, 30_000));
    expect(retries.map((r) => (r.ok ? 0 : r.retryAfterMs + 30_000))).toEqual([60_050, 61_050, 62_050, 63_050, 64_050]);
    // Each comes back at its time and is sent.
    for (const at of [60_050, 61_050, 62_050, 63_050, 64_050]) expect(takeAt(limit, clock, at)).toEqual({ ok: true });
  });

  it('lets a burst that freed many slots at once come back at once, and the next minute’s share a minute later', () => {
    const clock = { now: 0 };
    const limit = new MemberRateLimit({ perMinute: 30, perHour: 1000 }, () => clock.now);
    for (let i = 0; i < 30; i++) takeAt(limit, clock, 0);
    const backs = Array.from({ length: 31 }, () => takeAt(limit, clock, 1000)).map((r) => (r.ok ? 0 : r.retryAfterMs + 1000));
    expect(backs.slice(0, 30)).toEqual(Array.from({ length: 30 }, () => 60_050));
    expect(backs[30]).toBe(120_100);
    for (let i = 0; i < 30; i++) expect(takeAt(limit, clock, 60_050)).toEqual({ ok: true });
    expect(takeAt(limit, clock, 60_050)).toMatchObject({ ok: false });
    expect(takeAt(limit, clock, 120_100)).toEqual({ ok: true });
  });

  it('a message that finds its slot taken (a newer one went first) waits at the end of the line', () => {
    const clock = { now: 0 };
    const limit = new MemberRateLimit({ perMinute: 2, perHour: 1000 }, () => clock.now);
    takeAt(limit, clock, 0);
    takeAt(limit, clock, 10_000);
    expect(takeAt(limit, clock, 20_000)).toEqual({ ok: false, retryAfterMs: 40_050 }); // A: back at 60 050
    expect(takeAt(limit, clock, 20_000)).toEqual({ ok: false, retryAfterMs: 50_050 }); // B: back at 70 050
    expect(takeAt(limit, clock, 60_050)).toEqual({ ok: true }); // someone takes A's slot first
    // A, back at its time, is deferred behind B: the window holds 10 000 and 60 050, B waits for 70 050.
    expect(takeAt(limit, clock, 60_050)).toEqual({ ok: false, retryAfterMs: 120_100 - 60_050 });
  });

  it('defers by the hour limit when the hour is full', () => {
    const clock = { now: 0 };
    const limit = new MemberRateLimit({ perMinute: 30, perHour: 3 }, () => clock.now);
    for (const at of [0, 100_000, 200_000]) expect(takeAt(limit, clock, at)).toEqual({ ok: true });
    expect(takeAt(limit, clock, 300_000)).toEqual({ ok: false, retryAfterMs: 3_300_050 });
    expect(takeAt(limit, clock, 300_000)).toEqual({ ok: false, retryAfterMs: 3_400_050 });
  });

  it('untake gives the last slot back', () => {
    const clock = { now: 0 };
    const limit = new MemberRateLimit({ perMinute: 1, perHour: 10 }, () => clock.now);
    expect(takeAt(limit, clock, 0)).toEqual({ ok: true });
    limit.untake('bob');
    expect(takeAt(limit, clock, 1)).toEqual({ ok: true });
  });
});
