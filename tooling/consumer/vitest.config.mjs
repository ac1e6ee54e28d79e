import { testConfig } from '@rdshare/build-config/vitest';
import { defineConfig } from 'vitest/config';

// Packing and two installs take a while on a busy machine; each step is bounded by its own timeout.
export default defineConfig(testConfig({ test: { testTimeout: 240_000, hookTimeout: 420_000 } }));
