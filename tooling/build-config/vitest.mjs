// Shared vitest preset. Workspace packages resolve through their `source` export condition, so tests run
// against the TypeScript sources of sibling packages without a rebuild in between.
const conditions = ['source', 'module', 'node', 'import', 'default'];

export function testConfig(overrides = {}) {
  const { test = {}, ...rest } = overrides;
  return {
    resolve: { conditions },
    ssr: { resolve: { conditions, externalConditions: ['source'] } },
    test: {
      include: ['test/**/*.test.ts'],
      testTimeout: 30_000,
      hookTimeout: 60_000,
      pool: 'forks',
      ...test,
    },
    ...rest,
  };
}
