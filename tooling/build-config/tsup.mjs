// Shared tsup preset: every package ships ESM + CJS + .d.ts from src/index.ts. The .d.ts files carry only the
// public API: members marked @internal are stripped, so callers cannot type-check against them.
export function libraryConfig(overrides = {}) {
  return {
    entry: ['src/index.ts'],
    format: ['esm', 'cjs'],
    dts: { compilerOptions: { stripInternal: true } },
    sourcemap: true,
    clean: true,
    target: 'node20',
    ...overrides,
  };
}
