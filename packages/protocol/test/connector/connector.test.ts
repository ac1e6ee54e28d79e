import { describe, expect, it } from 'vitest';
import type { AcceptorOptions } from '../../src/acceptor/acceptor-host.js';
import { encodeRaw } from '../../src/codecs/raw.js';
import { CodecGuid, SurfaceCommandFlag } from '../../src/connection/capabilities.js';
import { InfoFlag } from '../../src/connection/client-info.js';
import { ErrorInfo } from '../../src/connection/error-info.js';
import { CLIENT_REMOTEFX_CODEC_ID } from '../../src/connector/client-capabilities.js';
import type { ConnectorConfig } from '../../src/connector/connector-config.js';
import { ConnectorFailure } from '../../src/connector/connector-config.js';
import { ConnectorState } from '../../src/connector/connector-state.js';
import { ProtocolError } from '../../src/core/errors.js';
import { encodeBitmapUpdate } from '../../src/data/bitmap-update.js';
import { FastPathUpdateCode } from '../../src/data/fastpath-output.js';
import { mouseMoveEvent } from '../../src/data/input-event.js';
import { encodeFastPathPointerUpdate } from '../../src/data/pointer-update.js';
import {
  encodeSurfaceCommands,
  type SurfaceCommand,
  SurfaceCommandType,
  SurfaceFrameAction,
} from '../../src/data/surface-commands.js';
import { EncryptionMethod } from '../../src/security/encryption-method.js';
import { invitationKeyHashes } from '../../src/security/invitation-key-hash.js';
import { encodeProprietaryCertificate } from '../../src/security/proprietary-certificate.js';
import { encodeRsaPublicKey } from '../../src/security/rsa-public-key.js';
import { generateRsaKey, nodeCryptoProvider } from '../node-crypto.js';
import { ConnectorPair, INVITATION } from './connector-pair.js';

const crypto = nodeCryptoProvider();
const serverKey = generateRsaKey(512);
const otherKey = generateRsaKey(512);
const certificate = encodeProprietaryCertificate(serverKey, crypto);
const pins = invitationKeyHashes(encodeRsaPublicKey(serverKey), crypto);
const wrongPins = invitationKeyHashes(encodeRsaPublicKey(otherKey), crypto);
const publicKey = { n: serverKey.n, e: serverKey.e };

function acceptorOptions(security: AcceptorOptions['security']): AcceptorOptions {
  return { crypto, width: 640, height: 480, security };
}

function connectorConfig(overrides: Partial<ConnectorConfig> = {}): ConnectorConfig {
  return {
    crypto,
    userName: 'Ann Viewer',
    password: INVITATION.password,
    authString: INVITATION.authString,
    desktopWidth: 1024,
    desktopHeight: 768,
    channels: ['encomsp', 'appchan'],
    security: { tls: false, rdp: true },
    keyHashes: pins,
    ...overrides,
  };
}

/** A 2x2 raw 32 bpp bitmap at (10, 20). */
function bitmapUpdate() {
  const pixels = Uint8Array.of(1, 2, 3, 255, 4, 5, 6, 255, 7, 8, 9, 255, 10, 11, 12, 255);
  const { data } = encodeRaw({ data: pixels, stride: 8, width: 2, height: 2 }, { bpp: 32 });
  return {
    code: FastPathUpdateCode.BITMAP,
    data: encodeBitmapUpdate([
      {
        destLeft: 10,
        destTop: 20,
        destRight: 11,
        destBottom: 21,
        width: 4,
        height: 2,
        bitsPerPixel: 32,
        flags: 0,
        data,
      },
    ]),
  };
}

const LAYERS = [
  {
    name: 'Standard RDP Security (RC4 128-bit)',
    options: acceptorOptions({ tls: false, rdp: { key: serverKey, certificate } }),
    config: connectorConfig(),
    method: EncryptionMethod.BIT_128,
  },
  {
    name: 'Standard RDP Security (FIPS)',
    options: acceptorOptions({ tls: false, rdp: { key: serverKey, certificate, fips: true } }),
    config: connectorConfig(),
    method: EncryptionMethod.FIPS,
  },
  {
    name: 'TLS',
    options: acceptorOptions({ tls: true, rdp: { key: serverKey, certificate } }),
    config: connectorConfig({ security: { tls: true, rdp: true } }),
    method: EncryptionMethod.NONE,
  },
];

describe('RdpConnector against RdpAcceptor', () => {
  for (const layer of LAYERS) {
    describe(layer.name, () => {
      it('activates, answering the invitation as a Windows viewer does', async () => {
        const pair = new ConnectorPair(layer.config, layer.options, publicKey);
        await pair.connect();
        expect(pair.clientClose).toBeUndefined();
        expect(pair.connector.state).toBe(ConnectorState.ACTIVE);
        expect(pair.authenticated).toBe(true);
        expect(pair.activeDesktop).toEqual({ width: 640, height: 480, colorDepth: 32 });
        expect(pair.clientInfo).toMatchObject({
          userName: 'Ann Viewer',
          password: '*',
          alternateShell: INVITATION.password,
          workingDir: INVITATION.authString,
        });
        expect((pair.clientInfo?.flags ?? 0) & InfoFlag.UNICODE).toBe(InfoFlag.UNICODE);
        await pair.flush();
        expect(pair.serverActive?.encryptionMethod).toBe(layer.method);
        expect(pair.serverActive?.channels).toEqual(['encomsp', 'appchan']);
        expect(pair.serverActive?.capabilities.fastPathOutput).toBe(true);
        expect(pair.connector.hasChannel('encomsp')).toBe(true);
      });

      it('carries graphics, pointer, input and channel data both ways', async () => {
        const pair = new ConnectorPair(layer.config, layer.options, publicKey);
        await pair.connect();
        await pair.flush();
        pair.acceptor.sendFastPath([bitmapUpdate(), encodeFastPathPointerUpdate({ type: 'position', x: 33, y: 44 })]);
        pair.acceptor.sendChannelData('appchan', new Uint8Array(5000).fill(7));
        pair.connector.sendInput([mouseMoveEvent(100, 200)]);
        pair.connector.sendChannelData('encomsp', Uint8Array.of(9, 8, 7));
        await pair.flush();
        expect(pair.updates[0]).toMatchObject({ kind: 'bitmap', rects: [{ destLeft: 10, destTop: 20, width: 4 }] });
        expect(pair.updates[1]).toEqual({ kind: 'pointer', pointer: { type: 'position', x: 33, y: 44 } });
        expect(pair.clientChannelData).toEqual([['appchan', new Uint8Array(5000).fill(7)]]);
        expect(pair.input).toEqual([mouseMoveEvent(100, 200)]);
        expect(pair.serverChannelData).toEqual([['encomsp', Uint8Array.of(9, 8, 7)]]);
      });

      it('follows a Deactivation-Reactivation to the new desktop size', async () => {
        const pair = new ConnectorPair(layer.config, layer.options, publicKey);
        await pair.connect();
        await pair.flush();
        pair.acceptor.resize(800, 600);
        await pair.flush();
        expect(pair.reactivations).toEqual([{ width: 800, height: 600, colorDepth: 32 }]);
        expect(pair.connector.desktop).toEqual({ width: 800, height: 600, colorDepth: 32 });
        pair.acceptor.sendFastPath([bitmapUpdate()]);
        await pair.flush();
        expect(pair.updates).toHaveLength(1);
      });

      it('ends with REFUSED and the server error info when the password is wrong', async () => {
        const pair = new ConnectorPair({ ...layer.config, password: 'wrong' }, layer.options, publicKey);
        await pair.connect();
        expect(pair.clientClose).toMatchObject({
          kind: ConnectorFailure.REFUSED,
          errorInfo: ErrorInfo.SERVER_INSUFFICIENT_PRIVILEGES,
        });
        expect(pair.authenticated).toBe(false);
      });

      it('ends with KEY_MISMATCH when the sharer key is not the invitation one', async () => {
        const pair = new ConnectorPair({ ...layer.config, keyHashes: wrongPins }, layer.options, publicKey);
        await pair.connect();
        expect(pair.clientClose?.kind).toBe(ConnectorFailure.KEY_MISMATCH);
        expect(pair.clientInfo).toBeUndefined();
      });

      it('checks KH when KH2 is absent, and refuses a KH2 of another key even with a good KH', async () => {
        const khOnly = new ConnectorPair({ ...layer.config, keyHashes: { kh: pins.kh } }, layer.options, publicKey);
        await khOnly.connect();
        expect(khOnly.connector.state).toBe(ConnectorState.ACTIVE);
        const mixed = new ConnectorPair(
          { ...layer.config, keyHashes: { kh: pins.kh, kh2: wrongPins.kh2 } },
          layer.options,
          publicKey,
        );
        await mixed.connect();
        expect(mixed.clientClose?.kind).toBe(ConnectorFailure.KEY_MISMATCH);
      });
    });
  }

  it('fails the pin under TLS when the certificate key is not RSA', async () => {
    const [layer] = LAYERS.filter((l) => l.name === 'TLS');
    const pair = new ConnectorPair(layer.config, layer.options, undefined);
    await pair.connect();
    expect(pair.clientClose?.kind).toBe(ConnectorFailure.KEY_MISMATCH);
  });

  it('reports a negotiation failure when the server refuses every offered protocol', async () => {
    const pair = new ConnectorPair(
      connectorConfig({ security: { tls: false, rdp: true } }),
      acceptorOptions({ tls: true }),
      publicKey,
    );
    await pair.connect();
    expect(pair.clientClose?.kind).toBe(ConnectorFailure.NEGOTIATION);
  });

  it('disconnects with a Disconnect Provider Ultimatum the server sees', async () => {
    const [layer] = LAYERS;
    const pair = new ConnectorPair(layer.config, layer.options, publicKey);
    await pair.connect();
    pair.connector.disconnect();
    await pair.flush();
    expect(pair.clientClose?.kind).toBe(ConnectorFailure.LOCAL);
    expect(pair.serverClose).toMatch(/Disconnect Provider Ultimatum|client closed/);
    expect(() => pair.connector.sendInput([mouseMoveEvent(1, 1)])).toThrow(/cannot send input/);
  });

  it('fail(error) ends an active session as PROTOCOL with that error, telling the server', async () => {
    const [layer] = LAYERS;
    const pair = new ConnectorPair(layer.config, layer.options, publicKey);
    await pair.connect();
    const error = new ProtocolError('INVALID', 'a graphics frame broke the rules', 'MS-RDPEGFX');
    pair.connector.fail(error);
    await pair.flush();
    expect(pair.clientClose).toMatchObject({ kind: ConnectorFailure.PROTOCOL, error });
    expect(pair.serverClose).toMatch(/Disconnect Provider Ultimatum|client closed/);
  });

  it('reports SERVER_DISCONNECT with the error info when an active session is ended', async () => {
    const [layer] = LAYERS;
    const pair = new ConnectorPair(layer.config, layer.options, publicKey);
    await pair.connect();
    await pair.flush();
    pair.acceptor.disconnect(ErrorInfo.LOGON_TIMEOUT);
    await pair.flush();
    expect(pair.clientClose).toMatchObject({
      kind: ConnectorFailure.SERVER_DISCONNECT,
      errorInfo: ErrorInfo.LOGON_TIMEOUT,
    });
  });

  it('offering RemoteFX: every Confirm Active announces it, surface commands come through, each ended frame is acknowledged', async () => {
    const [layer] = LAYERS;
    const pair = new ConnectorPair(connectorConfig({ surfaceCodecs: { remoteFx: true } }), layer.options, publicKey);
    await pair.connect();
    await pair.flush();
    const announced = () => {
      const capabilities = pair.serverActive?.capabilities;
      expect(capabilities?.codecs).toEqual([
        expect.objectContaining({ guid: CodecGuid.REMOTEFX, codecId: CLIENT_REMOTEFX_CODEC_ID }),
      ]);
      expect(capabilities?.surfaceCommands).toBe(
        SurfaceCommandFlag.SET_SURFACE_BITS | SurfaceCommandFlag.STREAM_SURFACE_BITS | SurfaceCommandFlag.FRAME_MARKER,
      );
      expect(capabilities?.frameAcknowledge).toBe(2);
    };
    announced();
    const frame = (frameId: number): SurfaceCommand[] => [
      {
        cmdType: SurfaceCommandType.FRAME_MARKER,
        frameAction: SurfaceFrameAction.SURFACECMD_FRAMEACTION_BEGIN,
        frameId,
      },
      {
        cmdType: SurfaceCommandType.STREAM_SURFACE_BITS,
        destLeft: 0,
        destTop: 0,
        destRight: 640,
        destBottom: 480,
        bitmap: { bpp: 32, codecId: CLIENT_REMOTEFX_CODEC_ID, width: 640, height: 480, bitmapData: Uint8Array.of(1) },
      },
      { cmdType: SurfaceCommandType.FRAME_MARKER, frameAction: SurfaceFrameAction.SURFACECMD_FRAMEACTION_END, frameId },
    ];
    pair.acceptor.sendFastPath([{ code: FastPathUpdateCode.SURFCMDS, data: encodeSurfaceCommands(frame(5)) }]);
    await pair.flush();
    expect(pair.updates).toEqual([{ kind: 'surface-commands', commands: frame(5) }]);
    expect(pair.frameAcknowledgements).toEqual([5]);

    pair.acceptor.resize(800, 600);
    await pair.flush();
    announced();
    pair.acceptor.sendFastPath([{ code: FastPathUpdateCode.SURFCMDS, data: encodeSurfaceCommands(frame(6)) }]);
    await pair.flush();
    expect(pair.frameAcknowledgements).toEqual([5, 6]);
    expect(pair.clientClose).toBeUndefined();
  });
});
