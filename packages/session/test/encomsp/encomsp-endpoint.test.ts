import { type ActivatedClient, CapabilitySetType } from '@rdshare/protocol';
import { describe, expect, it } from 'vitest';
import { readsWindows10Pdus } from '../../src/encomsp-endpoint.js';

describe('which viewers read the Windows 10 PDUs', () => {
  const client = (osMajorType: number, clientBuild: number, clientDigProductId: string) =>
    ({
      capabilitySets: [{ type: CapabilitySetType.GENERAL, osMajorType }],
      clientData: { core: { clientBuild, clientDigProductId } },
    }) as unknown as ActivatedClient;

  it('trusts only a Windows 10 client stack', () => {
    expect(readsWindows10Pdus(client(1, 19045, '{5C2D1C3A-0000-0000-0000-000000000000}'))).toBe(true);
    // xfreerdp 2.11 as measured: UNIX, build 18363, no product id.
    expect(readsWindows10Pdus(client(4, 18363, ''))).toBe(false);
    // wfreerdp says Windows and 18363 but never fills clientDigProductId.
    expect(readsWindows10Pdus(client(1, 18363, ''))).toBe(false);
    // Windows 8.1's viewer predates the response PDU.
    expect(readsWindows10Pdus(client(1, 9600, 'id'))).toBe(false);
  });
});
