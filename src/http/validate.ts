import type { z } from 'zod';
import { ValidationError } from '../errors.js';

/** Validates request input with a zod schema; every problem is listed in one Chinese message and in details. */
export function parseInput<S extends z.ZodType>(schema: S, value: unknown, where = '请求'): z.output<S> {
  const res = schema.safeParse(value);
  if (!res.success) {
    const details = res.error.issues.map((i) => ({ path: i.path.join('.'), message: i.message }));
    throw new ValidationError(`${where}不合法：${details.map((d) => `${d.path || '(整体)'} ${d.message}`).join('；')}`, details);
  }
  return res.data;
}
