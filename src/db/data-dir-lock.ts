import { closeSync, mkdirSync, openSync, readFileSync, unlinkSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { ConflictError } from '../errors.js';

/**
 * The embedded database is a set of files that exactly one process may open: a second writer (say the CLI
 * while the server runs) would corrupt it. PGlite does not guard against that, so we keep a pid lock file.
 * A lock left by a process that no longer exists (a crash, kill -9) is taken over.
 */
export function lockDataDir(dir: string): () => void {
  mkdirSync(dir, { recursive: true });
  const path = join(dir, 'pglite.lock');
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      const fd = openSync(path, 'wx');
      writeSync(fd, String(process.pid));
      closeSync(fd);
      let released = false;
      return () => {
        if (released) return;
        released = true;
        try {
          unlinkSync(path);
        } catch {
          // Already gone: nothing to release.
        }
      };
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
      const holder = Number(readFileSync(path, 'utf8').trim());
      if (Number.isInteger(holder) && holder > 0 && holder !== process.pid && isAlive(holder)) {
        throw new ConflictError(
          `嵌入式数据库 ${dir} 正被进程 ${holder} 使用（例如正在运行的 npm start）。请先停止该进程，或设置 DATABASE_URL 使用 PostgreSQL。`,
        );
      }
      unlinkSync(path);
    }
  }
  throw new ConflictError(`无法锁定嵌入式数据库目录 ${dir}`);
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}
