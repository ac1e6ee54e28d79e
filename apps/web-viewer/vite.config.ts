import { defineConfig } from 'vite';

// The workspace packages are bundled from their TypeScript sources (their `@rdshare/source` export condition), so the
// page builds without building them first.
export default defineConfig({
  base: './',
  resolve: { conditions: ['@rdshare/source', 'browser', 'module', 'import', 'default'] },
  build: { outDir: 'dist', emptyOutDir: true, target: 'es2022', sourcemap: true },
});
