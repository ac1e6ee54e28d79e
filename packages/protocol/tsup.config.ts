import { libraryConfig } from '@rdshare/build-config/tsup';
import { defineConfig } from 'tsup';

// The main entry is checked against the browser's globals (tsconfig.json); the ./node entry needs Node's types.
export default defineConfig(
  libraryConfig({
    entry: ['src/index.ts', 'src/node/index.ts'],
    dts: { compilerOptions: { stripInternal: true, types: ['node'] } },
  }),
);
