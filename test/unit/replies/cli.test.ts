import { PassThrough, Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { parseReplyCommand } from '../../../src/cli/commands/parse-reply.js';
import { runCli } from '../../../src/cli/run-cli.js';
import { ManualClock } from '../../../src/domain/clock.js';

async function run(argv: string[], input = ''): Promise<{ code: number; out: string; err: string }> {
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  let out = '';
  let err = '';
  stdout.on('data', (c: Buffer) => (out += c.toString('utf8')));
  stderr.on('data', (c: Buffer) => (err += c.toString('utf8')));
  const code = await runCli(argv, { env: {}, stdout, stderr, stdin: Readable.from([input]), clock: new ManualClock('2026-11-22T02:00:00Z') }, [parseReplyCommand]);
  return { code, out, err };
}

describe('cli parse-reply', () => {
  it('prints the intent of TEXT as one JSON line', async () => {
    const r = await run(['parse-reply', '第2、3项已完成']);
    expect(r.code).toBe(0);
    expect(r.out).toBe('{"intent":"complete","items":[2,3],"all":false,"note":null,"until":null,"target":null,"points":null,"title":null}\n');
  });

  it('joins several words into one reply and accepts --json', async () => {
    const r = await run(['parse-reply', '--json', '1、3', '已学完']);
    expect(r.code).toBe(0);
    expect(JSON.parse(r.out)).toMatchObject({ intent: 'complete', items: [1, 3] });
  });

  it('resolves dates against --now in --tz', async () => {
    const r = await run(['parse-reply', '--now', '2026-11-22', '--tz', 'Asia/Shanghai', '申请延期 2 到下周五 理由：出差']);
    expect(JSON.parse(r.out)).toEqual({ intent: 'extend', items: [2], all: false, note: '出差', until: '2026-11-27', target: null, points: null, title: null });
    const later = await run(['parse-reply', '--now', '2026-12-01', '延期到月底']);
    expect(JSON.parse(later.out).until).toBe('2026-12-31');
  });

  it('uses the clock when --now is not given', async () => {
    const r = await run(['parse-reply', '延期到明天']);
    expect(JSON.parse(r.out).until).toBe('2026-11-23');
  });

  it('reads one reply per line from stdin without TEXT', async () => {
    const r = await run(['parse-reply'], '都完成了\n\n撤销 2\r\n二支部 85\n收到\n');
    expect(r.code).toBe(0);
    const lines = r.out.trim().split('\n').map((l) => JSON.parse(l) as { intent: string });
    expect(lines.map((l) => l.intent)).toEqual(['complete', 'undo', 'score', 'unknown']);
    expect(lines[2]).toEqual({ intent: 'score', items: [], all: false, note: null, until: null, target: '二支部', points: 85, title: null });
  });

  it('rejects a bad --now or --tz with exit code 2', async () => {
    const badNow = await run(['parse-reply', '--now', '2026-02-30', '完成']);
    expect(badNow.code).toBe(2);
    expect(badNow.err).toContain('--now');
    const badTz = await run(['parse-reply', '--tz', 'Mars/Olympus', '完成']);
    expect(badTz.code).toBe(2);
    expect(badTz.err).toContain('时区');
  });

  it('has Chinese help with examples', async () => {
    const r = await run(['parse-reply', '--help']);
    expect(r.code).toBe(0);
    expect(r.out).toContain('用法');
    expect(r.out).toContain('示例');
    expect(r.out).toContain('parse-reply');
  });
});
