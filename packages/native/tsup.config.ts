import { libraryConfig } from '@rdshare/build-config/tsup';
import { defineConfig } from 'tsup';

// shims: the loader finds the addon through import.meta.url, which the CommonJS build must emulate.
export default defineConfig(libraryConfig({ shims: true }));
