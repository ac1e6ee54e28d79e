// Shared vitest preset. Workspace packages resolve through their `@rdshare/source` export condition (a name of our
// own, so no consumer's bundler picks it up and looks for src/, which the tarballs do not ship), so tests run
// against the TypeScript sources of sibling packages without a rebuild in between.
const conditions = ['@rdshare/source', 'module', 'node', 'import', 'default'];

export function testConfig(overrides = {}) {
  const { test = {}, ...rest } = overrides;
  return {
    resolve: { conditions },
    ssr: { resolve: { conditions, externalConditions: ['@rdshare/source'] } },
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
