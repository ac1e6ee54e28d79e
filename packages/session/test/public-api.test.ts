import { readFileSync } from 'node:fs';
import { startXvfb } from '@rdshare/testkit';
import { describe, expect, it } from 'vitest';
import { RdpSession } from '../src/index.js';

// `pnpm test` builds the package first (turbo's test task depends on build), so dist is this source's build.
const dts = readFileSync(new URL('../dist/index.d.ts', import.meta.url), 'utf8');

describe('the published types', () => {
  it('carry no @internal member', () => {
    for (const internal of [
      '@internal',
      'locked',
      'lockProperties',
      'admit(',
      'add(attendee',
      'remove(attendee',
      'AttendeeLink',
      'applyControlLevel',
      'OpenSession',
      'SessionContext',
    ]) {
      expect(dts, internal).not.toContain(internal);
    }
  });

  it('give no way to unlock the properties of an open session', async () => {
    const display = await startXvfb({ width: 320, height: 240 });
    const session = new RdpSession({ display: display.display, listenAddress: '127.0.0.1' });
    try {
      await session.open();
      Object.assign(session.properties, { locked: false });
      expect(() => {
        session.properties.PortId = 1;
      }).toThrow(expect.objectContaining({ code: 'READ_ONLY' }));
    } finally {
      await session.close();
      await display.stop();
    }
  });
});
