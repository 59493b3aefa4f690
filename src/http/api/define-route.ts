import type Router from '@koa/router';
import type { Context } from 'koa';
import { z } from 'zod';
import type { AdminPrincipal } from '../../db/repositories/admin-tokens.js';
import { ForbiddenError } from '../../errors.js';
import { parseInput } from '../validate.js';
import { readJsonBody } from '../read-body.js';

export type Access = 'read' | 'write';

/**
 * One admin API route: its zod schemas validate the request and also generate the OpenAPI document, so the
 * documentation cannot drift from what the server accepts.
 */
export interface ApiRoute<P extends z.ZodType = z.ZodType, Q extends z.ZodType = z.ZodType, B extends z.ZodType = z.ZodType> {
  method: 'get' | 'post' | 'patch' | 'put' | 'delete';
  /** Koa style, relative to /api/v1: `/units/:id`. */
  path: string;
  summary: string;
  tag: string;
  /** read: admins and leaders (in their scope); write: admins only. */
  access: Access;
  params?: P;
  query?: Q;
  body?: B;
  /** Accepts a raw upload (e.g. text/csv) instead of JSON: the handler reads the body itself. */
  rawBody?: { contentTypes: string[]; description: string };
  status?: number;
  handler(input: { params: z.output<P>; query: z.output<Q>; body: z.output<B>; principal: AdminPrincipal; ctx: Context }): Promise<unknown>;
}

export function route<P extends z.ZodType, Q extends z.ZodType, B extends z.ZodType>(r: ApiRoute<P, Q, B>): ApiRoute {
  return r as unknown as ApiRoute;
}

/** Row ids are PostgreSQL integers: a larger number names no row and must not reach a query (out of range there is a 500). */
export const MAX_DB_ID = 2_147_483_647;

export const idParam = z.object({ id: z.coerce.number().int().positive().max(MAX_DB_ID) });

export function mountRoutes(router: Router, routes: ApiRoute[]): void {
  for (const r of routes) {
    router[r.method](r.path, async (ctx) => {
      const principal = ctx.state.principal as AdminPrincipal;
      if (r.access === 'write' && principal.role !== 'admin') throw new ForbiddenError('只读令牌不能修改数据');
      const params = parse(r.params, ctx.params, '路径参数');
      const query = parse(r.query, ctx.query, '查询参数');
      const body = r.body ? parse(r.body, await readJsonBody(ctx), '请求体') : undefined;
      const result = await r.handler({ params, query, body, principal, ctx });
      ctx.status = r.status ?? 200;
      if (result !== undefined) ctx.body = result;
    });
  }
}

function parse(schema: z.ZodType | undefined, value: unknown, where: string): never {
  return (schema ? parseInput(schema, value, where) : undefined) as never;
}
