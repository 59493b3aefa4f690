/**
 * Prints generated requests, to look at one that failed: `npx tsx test/fuzz/show.ts <index>… [--seed N]`
 * (the seed defaults to FUZZ_SEED or the CI seed). Credentials are placeholders — a run makes its own tokens,
 * session and secret — so the shape, path, body and expectations are the run's; signatures over the WeCom test
 * keys are exact, and a decryptable callback body is shown decrypted.
 */
import { decrypt } from '@wecom/crypto';
import { TEST_APP_SECRET } from '../support/app.js';
import { WECOM_TEST } from '../support/wecom-server.js';
import { fuzzRequest, type FuzzContext } from './generate.js';

const args = process.argv.slice(2);
const seedAt = args.indexOf('--seed');
const seed = Number(seedAt >= 0 ? args[seedAt + 1] : (process.env.FUZZ_SEED ?? 20261123));
const indices = args.filter((_, i) => i !== seedAt && i !== seedAt + 1).map(Number);

const ctx: FuzzContext = {
  now: new Date('2026-11-23T01:00:00Z'), appSecret: TEST_APP_SECRET,
  wecom: { corpId: WECOM_TEST.corpId, agentId: WECOM_TEST.agentId, token: WECOM_TEST.token, encodingAesKey: WECOM_TEST.encodingAesKey, botToken: WECOM_TEST.botToken, botEncodingAesKey: WECOM_TEST.botEncodingAesKey },
  adminToken: 'djb_<admin token>', leaderToken: 'djb_<leader token>', revokedToken: 'djb_<revoked token>',
  session: { cookie: '<session cookie>'.padEnd(43, '_'), csrf: '<csrf token>'.padEnd(43, '_') }, usedSignInToken: '<used sign-in link token>',
  people: { admin: 2, leader: 1, scopedLeader: 19, secretary: 3, member: 5 }, topicMonth: '2026-11',
};

for (const index of indices) {
  const r = fuzzRequest(ctx, seed, index);
  const text = r.body?.toString('utf8');
  console.log(JSON.stringify({ ...r, body: text && text.length > 2000 ? `${text.slice(0, 2000)}…(${r.body!.length} bytes)` : text }, null, 1));
  const enc = /CDATA\[([A-Za-z0-9+/=]+)\]\]><\/Encrypt>|"encrypt":"([A-Za-z0-9+/=]+)"/.exec(text ?? '');
  const sealed = enc?.[1] ?? enc?.[2];
  if (sealed) {
    try {
      console.log('decrypted:', decrypt(r.family === 'wecom-bot' ? WECOM_TEST.botEncodingAesKey : WECOM_TEST.encodingAesKey, sealed).message.slice(0, 2000));
    } catch (e) {
      console.log('does not decrypt:', (e as Error).message);
    }
  }
}
