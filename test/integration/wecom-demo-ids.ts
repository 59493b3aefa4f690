import { demoOrgRows } from '../../src/domain/org/demo-org.js';

/** The WeCom userids of the demo organisation (src/domain/org/demo-org.ts), as the fake's address book knows them. */
export const DEMO_WECOM_IDS: string[] = demoOrgRows().map((r) => r.values['企业微信账号'] ?? '').filter(Boolean);
