import { describe, expect, it } from 'vitest';
import { ClientEarlyCapability } from '../../src/connection/client-data.js';
import { clientConnectData } from '../../src/connector/client-connect-data.js';
import type { ConnectorConfig } from '../../src/connector/connector-config.js';
import { nodeCryptoProvider } from '../node-crypto.js';

const config: ConnectorConfig = {
  crypto: nodeCryptoProvider(),
  userName: 'Ann',
  password: 'pw',
  authString: 'auth',
  desktopWidth: 1024,
  desktopHeight: 768,
  channels: ['encomsp', 'drdynvc'],
  security: { tls: true, rdp: true },
};

describe('clientConnectData', () => {
  it('announces the graphics pipeline in CS_CORE earlyCapabilityFlags only when asked', () => {
    const flags = (c: ConnectorConfig) => clientConnectData(c, 1).core.earlyCapabilityFlags ?? 0;
    expect(flags(config) & ClientEarlyCapability.SUPPORT_DYNVC_GFX_PROTOCOL).toBe(0);
    expect(flags({ ...config, graphicsPipeline: true }) & ClientEarlyCapability.SUPPORT_DYNVC_GFX_PROTOCOL).toBe(
      ClientEarlyCapability.SUPPORT_DYNVC_GFX_PROTOCOL,
    );
    expect(flags({ ...config, graphicsPipeline: true }) & ClientEarlyCapability.WANT_32BPP_SESSION).not.toBe(0);
  });
});
