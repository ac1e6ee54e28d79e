import { fileURLToPath } from 'node:url';
import { testConfig } from '@rdshare/build-config/vitest';
import { defineConfig } from 'vitest/config';

// The benchmarks run on their own (`pnpm bench`), never with the unit and e2e tests.
export default defineConfig(
  testConfig({
    root: fileURLToPath(new URL('..', import.meta.url)),
    test: { include: ['bench/**/*.bench.ts'], testTimeout: 180_000, fileParallelism: false },
  }),
);
