import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';

const SRC = join(import.meta.dirname, '..', 'src');

function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? sources(join(dir, e.name)) : e.name.endsWith('.ts') ? [join(dir, e.name)] : [],
  );
}

describe('the viewer core runs in a browser', () => {
  it('imports nothing from node: and only protocol, rx and rxjs outside src/node', () => {
    const offenders: string[] = [];
    for (const file of sources(SRC)) {
      const path = relative(SRC, file);
      if (path.startsWith('node/')) continue;
      for (const [, spec] of readFileSync(file, 'utf8').matchAll(/^(?:import|export)\b[^;]*?from '([^']+)'/gm)) {
        if (!spec.startsWith('.') && !['@rdshare/protocol', '@rdshare/rx', 'rxjs'].includes(spec))
          offenders.push(`${path}: ${spec}`);
      }
    }
    expect(offenders).toEqual([]);
  });
});
