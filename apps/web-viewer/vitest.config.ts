import { testConfig } from '@rdshare/build-config/vitest';
import { defineConfig } from 'vitest/config';

export default defineConfig(testConfig());
