import { defineConfig } from 'drizzle-kit';

// Migrations are generated from src/db/schema and applied by src/db/migrate.ts, in production and in tests.
export default defineConfig({
  dialect: 'postgresql',
  schema: './src/db/schema/index.ts',
  out: './migrations',
});
