import { z } from 'zod';
import type { ApiRoute } from './define-route.js';

const errorSchema = {
  type: 'object',
  properties: {
    error: {
      type: 'object',
      properties: { code: { type: 'string' }, message: { type: 'string' }, details: {}, requestId: { type: 'string' } },
      required: ['code', 'message'],
    },
  },
};

/** OpenAPI 3.1 from the same zod schemas that validate requests. */
export function buildOpenApi(routes: ApiRoute[], version: string): Record<string, unknown> {
  const paths: Record<string, Record<string, unknown>> = {};
  for (const r of routes) {
    const path = `/api/v1${r.path.replace(/:(\w+)/g, '{$1}')}`;
    const parameters: unknown[] = [];
    for (const [where, schema] of [['path', r.params], ['query', r.query]] as const) {
      if (!schema) continue;
      const json = z.toJSONSchema(schema, { io: 'input', unrepresentable: 'any' }) as { properties?: Record<string, unknown>; required?: string[] };
      for (const [name, s] of Object.entries(json.properties ?? {})) {
        parameters.push({ name, in: where, required: where === 'path' || (json.required ?? []).includes(name), schema: s });
      }
    }
    const op: Record<string, unknown> = {
      summary: r.summary,
      tags: [r.tag],
      'x-access': r.access,
      parameters,
      responses: {
        [String(r.status ?? 200)]: { description: 'OK' },
        '400': { description: '请求不合法', content: { 'application/json': { schema: errorSchema } } },
        '401': { description: '缺少或无效的令牌', content: { 'application/json': { schema: errorSchema } } },
        '403': { description: '无权限', content: { 'application/json': { schema: errorSchema } } },
      },
    };
    if (r.body) {
      op.requestBody = { required: true, content: { 'application/json': { schema: z.toJSONSchema(r.body, { io: 'input', unrepresentable: 'any' }) } } };
    } else if (r.rawBody) {
      op.requestBody = {
        required: true,
        description: r.rawBody.description,
        content: Object.fromEntries(r.rawBody.contentTypes.map((t) => [t, { schema: { type: 'string', format: 'binary' } }])),
      };
    }
    (paths[path] ??= {})[r.method] = op;
  }
  return {
    openapi: '3.1.0',
    info: { title: '党建助手 admin API', version },
    servers: [{ url: '/' }],
    components: { securitySchemes: { bearer: { type: 'http', scheme: 'bearer' } } },
    security: [{ bearer: [] }],
    paths,
  };
}
