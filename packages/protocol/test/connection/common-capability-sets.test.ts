import { describe, expect, it } from 'vitest';
import { serverCapabilitySets } from '../../src/acceptor/server-capabilities.js';
import { encodeConfirmActive, encodeDemandActive } from '../../src/connection/active.js';
import { GeneralExtraFlag } from '../../src/connection/capabilities.js';
import { commonCapabilitySets } from '../../src/connection/common-capability-sets.js';
import { clientCapabilitySets } from '../../src/connector/client-capabilities.js';
import { hex } from '../security/hex.js';

/**
 * The sharer's Demand Active for a 1024x768 32 bpp desktop on MCS channel 1002, byte for byte as it went to
 * xfreerdp, rdesktop and Windows viewers before the common sets were shared with the connector: clients read
 * fixed offsets, so these bytes must not move.
 */
const DEMAND_ACTIVE = hex(
  [
    // header
    'ea 03 01 00 04 00 30 01 52 44 50 00 0c 00 00 00',
    // GENERAL
    '01 00 18 00 01 00 03 00 00 02 00 00 00 00 05 04 00 00 00 00 00 00 01 01',
    // BITMAP
    '02 00 1c 00 20 00 01 00 01 00 01 00 00 04 00 03 00 00 01 00 01 00 00 00 01 00 00 00',
    // ORDER (orderSupport[TS_NEG_SCRBLT_INDEX] and [TS_NEG_MEMBLT_INDEX] = 1: the orders the sharer sends)
    '03 00 58 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 01 00 14 00 00 00',
    '01 00 00 00 2a 00 00 00 01 01 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00',
    '00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00',
    // POINTER
    '08 00 0a 00 01 00 19 00 19 00',
    // INPUT
    '0d 00 58 00 35 01 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00',
    '00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00',
    '00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00',
    // VIRTUALCHANNEL
    '14 00 0c 00 00 00 00 00 40 06 00 00',
    // SHARE
    '09 00 08 00 ea 03 00 00',
    // FONT
    '0e 00 08 00 01 00 00 00',
    // MULTIFRAGMENTUPDATE
    '1a 00 08 00 00 00 80 00',
    // LARGE_POINTER
    '1b 00 06 00 03 00',
    // SURFACE_COMMANDS
    '1c 00 0c 00 52 00 00 00 00 00 00 00',
    // FRAME_ACKNOWLEDGE
    '1e 00 08 00 02 00 00 00',
    // sessionId
    '00 00 00 00',
  ].join(' '),
);

/** The viewer's Confirm Active to that Demand Active. */
const CONFIRM_ACTIVE = hex(
  [
    // header
    'ea 03 01 00 ea 03 06 00 78 01 4d 53 54 53 43 00 0c 00 00 00',
    // GENERAL
    '01 00 18 00 01 00 03 00 00 02 00 00 00 00 15 04 00 00 00 00 00 00 01 01',
    // BITMAP
    '02 00 1c 00 20 00 01 00 01 00 01 00 00 04 00 03 00 00 01 00 01 00 00 00 01 00 00 00',
    // ORDER (no drawing orders: the viewer draws bitmaps and the graphics pipeline)
    '03 00 58 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 01 00 14 00 00 00',
    '01 00 00 00 2a 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00',
    '00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00',
    // BITMAPCACHE
    '04 00 28 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00',
    '00 00 00 00 00 00 00 00 00 00',
    // POINTER
    '08 00 0a 00 01 00 19 00 19 00',
    // INPUT
    '0d 00 58 00 35 01 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00',
    '00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00',
    '00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00',
    // BRUSH
    '0f 00 08 00 00 00 00 00',
    // GLYPHCACHE
    '10 00 34 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00',
    '00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00',
    // VIRTUALCHANNEL
    '14 00 0c 00 00 00 00 00 40 06 00 00',
    // SOUND
    '0c 00 08 00 00 00 00 00',
    // MULTIFRAGMENTUPDATE
    '1a 00 08 00 00 40 fa 01',
    // LARGE_POINTER
    '1b 00 06 00 03 00',
  ].join(' '),
);

const desktop = { width: 1024, height: 768, colorDepth: 32 };

describe('capability sets both roles announce', () => {
  it("keep the sharer's Demand Active byte for byte", () => {
    const capabilitySets = serverCapabilitySets({ ...desktop, serverChannelId: 1002 });
    expect(encodeDemandActive({ shareId: 0x103ea, sourceDescriptor: 'RDP', capabilitySets, sessionId: 0 })).toEqual(
      DEMAND_ACTIVE,
    );
  });

  it("keep the viewer's Confirm Active byte for byte", () => {
    const capabilitySets = clientCapabilitySets(desktop);
    const confirm = { shareId: 0x103ea, originatorId: 1002, sourceDescriptor: 'MSTSC', capabilitySets };
    expect(encodeConfirmActive(confirm)).toEqual(CONFIRM_ACTIVE);
  });

  it('differ by role only in the salted MAC flag a client announces', () => {
    const server = commonCapabilitySets({ role: 'server', ...desktop });
    const client = commonCapabilitySets({ role: 'client', ...desktop });
    expect(client.general.extraFlags).toBe(server.general.extraFlags | GeneralExtraFlag.ENC_SALTED_CHECKSUM);
    expect(server.general.extraFlags & GeneralExtraFlag.ENC_SALTED_CHECKSUM).toBe(0);
    expect({ ...client, general: undefined }).toEqual({ ...server, general: undefined });
  });
});
