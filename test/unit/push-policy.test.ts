import { describe, expect, it } from 'vitest';
import { nextAllowed, decidePushes, type PersonPushState, type PushCandidate, type PushDecision } from '../../src/domain/reminders/push-policy.js';

const tz = 'Asia/Shanghai';
// 2026: National Day 10-01..10-07 off, Saturday 10-10 is a 调休 working day.
const isWorkday = (d: string): boolean => {
  if (d === '2026-10-10') return true;
  if (d >= '2026-10-01' && d <= '2026-10-07') return false;
  const dow = new Date(`${d}T00:00:00Z`).getUTCDay();
  return dow !== 0 && dow !== 6;
};
const at = (local: string): Date => new Date(`${local}:00+08:00`);
const base: PersonPushState = { sentByWeek: {}, keysToday: new Set(), mutedUntil: null, weeklyCap: 5, quietStart: '21:00', quietEnd: '08:00' };
const c = (itemKey: string, cls: PushCandidate['class'] = 'reminder', priority = 3, mergeable = true): PushCandidate => ({ itemKey, kind: 'k', class: cls, priority, mergeable });
const when = (d: PushDecision): string => ('at' in d ? `${d.action}@${d.at.toISOString()}` : d.action);

describe('push policy', () => {
  const cases: { name: string; now: string; state?: Partial<PersonPushState>; candidates: PushCandidate[]; expected: string[] }[] = [
    { name: 'working day, office hours: send now', now: '2026-10-13T10:00', candidates: [c('a')], expected: ['send@2026-10-13T02:00:00.000Z'] },
    { name: 'after 21:00: held until 08:00 next working day', now: '2026-10-13T22:00', candidates: [c('a')], expected: ['hold@2026-10-14T00:00:00.000Z'] },
    { name: 'before 08:00: held until 08:00 the same day', now: '2026-10-14T06:30', candidates: [c('a')], expected: ['hold@2026-10-14T00:00:00.000Z'] },
    { name: 'Saturday: non-urgent waits for Monday, urgent goes now', now: '2026-10-17T10:00', candidates: [c('a'), c('e', 'urgent', 0, false)], expected: ['hold@2026-10-19T00:00:00.000Z', 'send@2026-10-17T02:00:00.000Z'] },
    { name: 'urgent at night still waits for the morning', now: '2026-10-17T23:00', candidates: [c('e', 'urgent')], expected: ['hold@2026-10-18T00:00:00.000Z'] },
    { name: 'Friday night before the 调休 Saturday: held to Saturday 08:00', now: '2026-10-09T22:00', candidates: [c('a')], expected: ['hold@2026-10-10T00:00:00.000Z'] },
    { name: 'eve of National Day: held past the holiday week', now: '2026-09-30T22:00', candidates: [c('a')], expected: ['hold@2026-10-08T00:00:00.000Z'] },
    { name: 'same reminder already sent today: dropped', now: '2026-10-13T10:00', state: { keysToday: new Set(['a']) }, candidates: [c('a'), c('b')], expected: ['drop-duplicate', 'send@2026-10-13T02:00:00.000Z'] },
    { name: 'the same key twice in one run: second dropped', now: '2026-10-13T10:00', candidates: [c('a'), c('a')], expected: ['send@2026-10-13T02:00:00.000Z', 'drop-duplicate'] },
    {
      name: 'muted: reminders dropped, notices and escalations still flow', now: '2026-10-13T10:00', state: { mutedUntil: '2026-10-15' },
      candidates: [c('a'), c('t', 'notice', 0, false), c('e', 'urgent', 0, false)], expected: ['drop-muted', 'send@2026-10-13T02:00:00.000Z', 'send@2026-10-13T02:00:00.000Z'],
    },
    { name: 'mute ended yesterday: sent', now: '2026-10-13T10:00', state: { mutedUntil: '2026-10-12' }, candidates: [c('a')], expected: ['send@2026-10-13T02:00:00.000Z'] },
    {
      name: 'over the cap: the most important keeps its card, the rest merge', now: '2026-10-13T10:00', state: { sentByWeek: { '2026-10-12': 3 } },
      candidates: [c('soon', 'reminder', 4), c('over', 'reminder', 1), c('today', 'reminder', 2), c('theme', 'reminder', 5)],
      expected: ['merge@2026-10-13T02:00:00.000Z', 'send@2026-10-13T02:00:00.000Z', 'merge@2026-10-13T02:00:00.000Z', 'merge@2026-10-13T02:00:00.000Z'],
    },
    {
      name: 'one slot left, two items: one merged card', now: '2026-10-13T10:00', state: { sentByWeek: { '2026-10-12': 4 } },
      candidates: [c('a'), c('b')], expected: ['merge@2026-10-13T02:00:00.000Z', 'merge@2026-10-13T02:00:00.000Z'],
    },
    {
      name: 'cap reached: merged and held to next week, urgent unaffected', now: '2026-10-13T10:00', state: { sentByWeek: { '2026-10-12': 5 } },
      candidates: [c('a'), c('b'), c('e', 'urgent', 0, false)], expected: ['merge@2026-10-19T00:00:00.000Z', 'merge@2026-10-19T00:00:00.000Z', 'send@2026-10-13T02:00:00.000Z'],
    },
    {
      name: 'cap reached, single item: into next week\'s summary card', now: '2026-10-13T10:00', state: { sentByWeek: { '2026-10-12': 5 } },
      candidates: [c('a')], expected: ['merge@2026-10-19T00:00:00.000Z'],
    },
    {
      name: 'a card that cannot merge keeps a slot first', now: '2026-10-13T10:00', state: { sentByWeek: { '2026-10-12': 3 } },
      candidates: [c('a', 'reminder', 1), c('b', 'reminder', 2), c('topic', 'notice', 0, false)],
      expected: ['merge@2026-10-13T02:00:00.000Z', 'merge@2026-10-13T02:00:00.000Z', 'send@2026-10-13T02:00:00.000Z'],
    },
    {
      name: 'held into next week: counted against next week', now: '2026-10-16T22:00', state: { sentByWeek: { '2026-10-12': 5, '2026-10-19': 0 } },
      candidates: [c('a')], expected: ['hold@2026-10-19T00:00:00.000Z'],
    },
  ];
  for (const t of cases) {
    it(t.name, () => {
      const got = decidePushes(t.candidates, { ...base, ...t.state }, { now: at(t.now), tz, isWorkday });
      expect(got.map(when)).toEqual(t.expected);
    });
  }

  it('quiet hours inside the day (12:00–14:00) and none at all', () => {
    const s = { quietStart: '12:00', quietEnd: '14:00' };
    expect(nextAllowed(at('2026-10-13T12:30'), false, s, { tz, isWorkday })).toEqual({ at: at('2026-10-13T14:00'), reason: 'quiet-hours' });
    expect(nextAllowed(at('2026-10-13T23:30'), false, { quietStart: '00:00', quietEnd: '00:00' }, { tz, isWorkday })).toEqual({ at: at('2026-10-13T23:30'), reason: null });
  });
});
