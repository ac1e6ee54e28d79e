import { libraryConfig } from '@rdshare/build-config/tsup';
import { defineConfig } from 'tsup';

export default defineConfig(libraryConfig({ format: ['esm'], dts: false, entry: ['src/cli.ts'] }));
