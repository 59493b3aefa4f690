import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

/**
 * ARCHITECTURE §2: the core (src/domain, src/replies, cards/) imports only itself, small pure libraries and
 * the standard library. ESLint says the same while editing; this test makes it a failing build.
 */
const root = resolve(import.meta.dirname, '../..');
const CORE = ['src/domain', 'src/replies', 'cards'];
const FORBIDDEN_PACKAGES = [/^koa$/, /^@koa\//, /^drizzle-orm/, /^postgres$/, /^@electric-sql\//, /^ws$/, /^dingtalk-stream/, /^@wecom\/crypto/, /^pino/, /^node-cron/, /^prom-client/, /^exceljs/, /^echarts/, /^@resvg\//];
const ALLOWED_INTERNAL = ['src/domain', 'src/replies', 'cards', 'src/errors.ts'];

function filesUnder(dir: string): string[] {
  const abs = join(root, dir);
  try {
    statSync(abs);
  } catch {
    return [];
  }
  return readdirSync(abs, { recursive: true, encoding: 'utf8' })
    .filter((f) => f.endsWith('.ts'))
    .map((f) => join(abs, f));
}

export function importsOf(source: string): string[] {
  const specs: string[] = [];
  const re = /(?:^|\n)\s*(?:import|export)\s[^'"]*?from\s+['"]([^'"]+)['"]|import\(\s*['"]([^'"]+)['"]\s*\)|(?:^|\n)\s*import\s+['"]([^'"]+)['"]/g;
  for (const m of source.matchAll(re)) specs.push((m[1] ?? m[2] ?? m[3])!);
  return specs;
}

function violations(): string[] {
  const found: string[] = [];
  for (const dir of CORE) {
    for (const file of filesUnder(dir)) {
      for (const spec of importsOf(readFileSync(file, 'utf8'))) {
        const rel = relative(root, file);
        if (spec.startsWith('.')) {
          const target = relative(root, resolve(file, '..', spec)).replace(/\.js$/, '.ts');
          if (!ALLOWED_INTERNAL.some((a) => target === a || target.startsWith(`${a}/`))) found.push(`${rel} imports ${spec}`);
        } else if (FORBIDDEN_PACKAGES.some((p) => p.test(spec))) {
          found.push(`${rel} imports ${spec}`);
        }
      }
    }
  }
  return found;
}

describe('architecture boundaries', () => {
  it('finds imports of every form', () => {
    const src = "import type { A } from '../db/client.js';\nexport { b } from 'koa';\nconst m = await import('pino');\nimport 'ws';";
    expect(importsOf(src)).toEqual(['../db/client.js', 'koa', 'pino', 'ws']);
  });

  it('the core has files to check', () => {
    expect(CORE.flatMap(filesUnder).length).toBeGreaterThan(0);
  });

  it('the core imports no infrastructure and no adapters', () => {
    expect(violations()).toEqual([]);
  });
});
