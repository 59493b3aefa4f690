import { z } from 'zod';
import { enabledPlatforms } from '../../config.js';
import { listTopics, saveTopic } from '../../db/repositories/topics.js';
import { pushTopic } from '../../jobs/monthly-topic-push.js';
import type { AppDeps } from '../deps.js';
import { route, type ApiRoute } from './define-route.js';

const month = z.object({ month: z.string().regex(/^\d{4}-(0[1-9]|1[0-2])$/, '须为 YYYY-MM') });

export function topicRoutes(deps: AppDeps): ApiRoute[] {
  const db = deps.database.db;
  return [
    route({
      method: 'get', path: '/topics', summary: '每月主题列表（含必学内容、是否已推送）', tag: 'topics', access: 'read',
      handler: async () => ({ items: await listTopics(db) }),
    }),
    route({
      method: 'put', path: '/topics/:month', summary: '新建或修改某月主题（已推送的主题不能再增加必学内容）', tag: 'topics', access: 'write', params: month,
      body: z.object({
        title: z.string().trim().min(1).max(100),
        summary: z.string().max(2000).default(''),
        materials: z.array(z.object({ title: z.string().trim().min(1).max(100), url: z.string().url() })).max(10).default([]),
        required: z.array(z.string().trim().min(1).max(200)).max(20).default([]),
      }),
      handler: ({ params, body, principal }) => saveTopic(db, { month: params.month, ...body }, { actor: `token:${principal.name}`, at: deps.clock.now() }),
    }),
    route({
      method: 'post', path: '/topics/:month/push', summary: '立即推送某月主题（重复推送不会重复发送）', tag: 'topics', access: 'write', params: month,
      handler: ({ params }) =>
        pushTopic({ database: deps.database, timezone: deps.config.timezone, links: deps.links, platforms: enabledPlatforms(deps.config) }, params.month, deps.clock.now()),
    }),
  ];
}
