import { sql } from 'drizzle-orm';
import type { DbOrTx } from '../db/client.js';
import { rows } from '../db/migrate.js';
import { personView } from '../db/repositories/people-directory.js';
import type { PersonView } from '../domain/conversation/ports.js';
import { ValidationError } from '../errors.js';

/** Active people by id or exact name; a name shared by several people must be given as an id. */
export async function findPerson(db: DbOrTx, spec: string): Promise<PersonView> {
  const s = spec.trim().normalize('NFKC');
  if (/^\d+$/.test(s)) {
    const p = await personView(db, Number(s));
    if (!p) throw new ValidationError(`没有编号为 ${s} 的在用人员`);
    return p;
  }
  const list = rows<{ id: number }>(await db.execute(sql`select id from people where active and name = ${s.replace(/\s+/g, '')} order by id`));
  if (list.length === 0) throw new ValidationError(`没有名为“${spec}”的在用人员（可写姓名或人员编号）`);
  const views = (await Promise.all(list.map((r) => personView(db, r.id)))).filter((p): p is PersonView => p !== undefined);
  if (views.length > 1) throw new ValidationError(`有 ${views.length} 位“${spec}”，请用人员编号：${views.map((p) => `${p.id}（${p.unitName}）`).join('、')}`);
  return views[0]!;
}

