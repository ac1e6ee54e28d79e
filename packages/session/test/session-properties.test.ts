import { describe, expect, it } from 'vitest';
import { CTRL_LEVEL } from '../src/constants.js';
import { RdshareError } from '../src/errors.js';
import { lockProperties, SessionProperties } from '../src/session-properties.js';

describe('SessionProperties', () => {
  it('has the documented defaults', () => {
    const p = new SessionProperties();
    expect(p.get('FrameCaptureIntervalInMs')).toBe(33);
    expect(p.get('DefaultAttendeeControlLevel')).toBe(CTRL_LEVEL.NONE);
    expect(p.EnforceStrongEncryption).toBe(false);
    expect(p.PortId).toBe(0);
  });

  it('sets by name and by accessor', () => {
    const p = new SessionProperties({ PortId: 3390 });
    expect(p.PortId).toBe(3390);
    p.set('FrameCaptureIntervalInMs', 400);
    expect(p.FrameCaptureIntervalInMs).toBe(400);
  });

  it('rejects unknown (and wrongly cased) names with UNKNOWN_PROPERTY', () => {
    const p = new SessionProperties();
    expect(() => p.get('portid')).toThrow(expect.objectContaining({ code: 'UNKNOWN_PROPERTY' }));
    expect(() => p.set('Nope', 1)).toThrow(RdshareError);
    expect(() => p.get('toString')).toThrow(expect.objectContaining({ code: 'UNKNOWN_PROPERTY' }));
  });

  it('never lets the default level be interactive', () => {
    const p = new SessionProperties();
    expect(() => (p.DefaultAttendeeControlLevel = CTRL_LEVEL.INTERACTIVE)).toThrow(/NONE \(1\) or CTRL_LEVEL.VIEW/);
    p.DefaultAttendeeControlLevel = CTRL_LEVEL.VIEW;
    expect(p.DefaultAttendeeControlLevel).toBe(CTRL_LEVEL.VIEW);
    p.DefaultAttendeeControlLevel = CTRL_LEVEL.NONE;
    expect(p.DefaultAttendeeControlLevel).toBe(CTRL_LEVEL.NONE);
  });

  it('validates values with actionable messages', () => {
    const p = new SessionProperties();
    expect(() => p.set('PortId', 70000)).toThrow(/PortId must be an integer from 0 to 65535/);
    expect(() => p.set('PortProtocol', 5 as never)).toThrow(/AF_INET/);
    expect(() => p.set('EnableClipboardRedirect', 'yes' as never)).toThrow(/boolean/);
  });

  it('locks open-time properties once the session is open', () => {
    const p = new SessionProperties();
    lockProperties(p);
    expect(() => (p.PortId = 1)).toThrow(expect.objectContaining({ code: 'READ_ONLY' }));
    p.FrameCaptureIntervalInMs = 100;
    expect(p.FrameCaptureIntervalInMs).toBe(100);
  });

  it('knows every documented name with its default and read-only-after-open rule', () => {
    const p = new SessionProperties();
    expect(p.DrvConAttach).toBe(true);
    expect(p.PortProtocol).toBe(0);
    expect(p.EnableClipboardRedirect).toBe(false);
    expect(p.SetClipboardRedirectCallback).toBeUndefined();
    expect(p.EnabledTransports).toBe(1);
    const allow = () => true;
    p.SetClipboardRedirectCallback = allow;
    expect(p.get('SetClipboardRedirectCallback')).toBe(allow);
    expect(() => p.set('SetClipboardRedirectCallback', 'yes' as never)).toThrow(/function or undefined/);
    expect(() => p.set('EnabledTransports', 3)).toThrow(/no UDP transport/);
    expect(() => p.set('SetNetworkStream', {})).toThrow(
      expect.objectContaining({
        code: 'INVALID_ARGUMENT',
        message: expect.stringMatching(/connectUsingTransportStream/),
      }),
    );
    lockProperties(p);
    for (const name of [
      'PortId',
      'PortProtocol',
      'EnforceStrongEncryption',
      'SetClipboardRedirectCallback',
      'EnabledTransports',
      'DrvConAttach',
    ]) {
      expect(() => p.set(name, p.get(name)), name).toThrow(expect.objectContaining({ code: 'READ_ONLY' }));
    }
    for (const [name, value] of [
      ['FrameCaptureIntervalInMs', 50],
      ['DefaultAttendeeControlLevel', CTRL_LEVEL.VIEW],
      ['EnableClipboardRedirect', true],
    ] as const) {
      p.set(name, value);
      expect(p.get(name)).toBe(value);
    }
  });
});
