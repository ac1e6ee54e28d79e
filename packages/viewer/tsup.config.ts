import { libraryConfig } from '@rdshare/build-config/tsup';
import { defineConfig } from 'tsup';

export default defineConfig(libraryConfig({ entry: ['src/index.ts', 'src/node/index.ts'] }));
