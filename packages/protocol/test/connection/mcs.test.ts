import { describe, expect, it } from 'vitest';
import { GCC_NODE_ID, SERVER_DOMAIN_PARAMETERS } from '../../src/acceptor/connection-sequence.js';
import {
  ChannelOption,
  decodeClientData,
  encodeClientData,
  requestedColorDepth,
} from '../../src/connection/client-data.js';
import {
  decodeConferenceCreateRequest,
  decodeConferenceCreateResponse,
  encodeConferenceCreateRequest,
  encodeConferenceCreateResponse,
} from '../../src/connection/gcc.js';
import {
  decodeConnectInitial,
  decodeConnectResponse,
  decodeMcsDomainPdu,
  encodeConnectInitial,
  encodeConnectResponse,
  encodeMcsDomainPdu,
  type McsDomainPdu,
  McsPduType,
} from '../../src/connection/mcs.js';
import { decodeServerData, encodeServerData } from '../../src/connection/server-data.js';
import { decodeTpkt, encodeTpkt } from '../../src/connection/tpkt.js';
import { decodeX224Data, encodeX224Data } from '../../src/connection/x224.js';
import { ProtocolError } from '../../src/core/errors.js';
import { fuzz } from '../data/fuzz.js';
import { hex } from '../security/hex.js';
import { CONNECT_INITIAL } from './vectors.js';

const mcsPayload = decodeX224Data(decodeTpkt(CONNECT_INITIAL));

describe('MCS Connect-Initial with GCC Conference Create Request', () => {
  const ci = decodeConnectInitial(mcsPayload);
  const gcc = decodeConferenceCreateRequest(ci.userData);
  const data = decodeClientData(gcc.userData);

  it('decodes the domain parameters', () => {
    expect(ci.upwardFlag).toBe(true);
    expect(ci.callingDomainSelector).toEqual(hex('01'));
    expect(ci.targetParameters).toEqual({
      maxChannelIds: 34,
      maxUserIds: 2,
      maxTokenIds: 0,
      numPriorities: 1,
      minThroughput: 0,
      maxHeight: 1,
      maxMcsPduSize: 0xffff,
      protocolVersion: 2,
    });
    expect(ci.minimumParameters.maxMcsPduSize).toBe(1056);
    expect(ci.maximumParameters.maxUserIds).toBe(64535);
  });

  it('decodes the client data blocks', () => {
    expect(gcc.conferenceName).toBe('1');
    expect(data.core).toMatchObject({
      version: 0x00080004,
      desktopWidth: 1280,
      desktopHeight: 800,
      colorDepth: 0xca01,
      sasSequence: 0xaa03,
      keyboardLayout: 0x409,
      clientBuild: 2600,
      clientName: 'EMP-LAP-0014',
      keyboardType: 4,
      keyboardFunctionKey: 12,
      postBeta2ColorDepth: 0xca01,
      highColorDepth: 24,
      supportedColorDepths: 7,
      earlyCapabilityFlags: 1,
      connectionType: 1,
      serverSelectedProtocol: 0,
    });
    expect(requestedColorDepth(data.core)).toBe(24);
    expect(data.cluster).toEqual({ flags: 9, redirectedSessionId: 0 });
    expect(data.security).toEqual({ encryptionMethods: 3, extEncryptionMethods: 0 });
    expect(data.network?.channels).toEqual([
      { name: 'rdpdr', options: 0x80800000 },
      { name: 'cliprdr', options: 0xc0a00000 },
      { name: 'rdpsnd', options: 0xc0000000 },
    ]);
    expect((data.network?.channels[1].options ?? 0) & ChannelOption.SHOW_PROTOCOL).toBeTruthy();
  });

  it('re-encodes byte for byte', () => {
    expect(encodeClientData(data)).toEqual(gcc.userData);
    expect(encodeConferenceCreateRequest({ conferenceName: '1', userData: gcc.userData })).toEqual(ci.userData);
    expect(encodeConnectInitial(ci)).toEqual(mcsPayload);
  });

  it('prefers a 32-bpp session when the client wants and supports one', () => {
    expect(requestedColorDepth({ ...data.core, earlyCapabilityFlags: 0x0003, supportedColorDepths: 0x000f })).toBe(32);
    expect(requestedColorDepth({ ...data.core, highColorDepth: undefined, postBeta2ColorDepth: 0xca04 })).toBe(16);
  });
});

describe('MCS Connect-Response with GCC Conference Create Response', () => {
  it('round-trips and writes the fixed GCC response header of 4.1.4', () => {
    const serverData = encodeServerData({
      core: { version: 0x00080004, clientRequestedProtocols: 0, earlyCapabilityFlags: 0 },
      network: { mcsChannelId: 1003, channelIds: [1004, 1005, 1006] },
      security: {
        encryptionMethod: 2,
        encryptionLevel: 2,
        serverRandom: new Uint8Array(32).fill(7),
        serverCertificate: hex('01 00 00 00'),
      },
      messageChannel: { mcsChannelId: 1007 },
    });
    const gcc = encodeConferenceCreateResponse({ nodeId: 0x79f3, tag: 1, result: 0, userData: serverData });
    expect(gcc.subarray(0, 7)).toEqual(hex('00 05 00 14 7c 00 01'));
    const at = gcc[7] & 0x80 ? 9 : 8;
    expect(gcc.subarray(at, at + 13)).toEqual(hex('14 76 0a 01 01 00 01 c0 00 4d 63 44 6e'));
    const params = {
      maxChannelIds: 34,
      maxUserIds: 3,
      maxTokenIds: 0,
      numPriorities: 1,
      minThroughput: 0,
      maxHeight: 1,
      maxMcsPduSize: 65528,
      protocolVersion: 2,
    };
    const bytes = encodeConnectResponse({ result: 0, calledConnectId: 0, domainParameters: params, userData: gcc });
    expect(bytes.subarray(0, 2)).toEqual(hex('7f 66'));
    const cr = decodeConnectResponse(bytes);
    expect(cr.domainParameters).toEqual(params);
    const res = decodeConferenceCreateResponse(cr.userData);
    expect(res).toMatchObject({ nodeId: 0x79f3, tag: 1, result: 0 });
    const sd = decodeServerData(res.userData);
    expect(sd.network).toEqual({ mcsChannelId: 1003, channelIds: [1004, 1005, 1006] });
    expect(sd.security?.serverRandom).toEqual(new Uint8Array(32).fill(7));
    expect(sd.messageChannel).toEqual({ mcsChannelId: 1007 });
    expect(encodeServerData(sd)).toEqual(serverData);
  });

  it('writes TLS-mode security data without random or certificate', () => {
    const bytes = encodeServerData({
      core: { version: 0x00080004 },
      security: { encryptionMethod: 0, encryptionLevel: 0 },
    });
    expect(bytes).toEqual(hex('01 0c 08 00 04 00 08 00 02 0c 0c 00 00 00 00 00 00 00 00 00'));
    expect(decodeServerData(bytes).security).toEqual({ encryptionMethod: 0, encryptionLevel: 0 });
  });
});

describe('MCS domain PDUs (4.1.5–4.1.8)', () => {
  const vectors: [string, McsDomainPdu][] = [
    ['04 01 00 01 00', { type: McsPduType.ERECT_DOMAIN_REQUEST, subHeight: 0, subInterval: 0 }],
    ['28', { type: McsPduType.ATTACH_USER_REQUEST }],
    ['2e 00 00 06', { type: McsPduType.ATTACH_USER_CONFIRM, result: 0, initiator: 1007 }],
    ['38 00 06 03 eb', { type: McsPduType.CHANNEL_JOIN_REQUEST, initiator: 1007, channelId: 1003 }],
    [
      '3e 00 00 06 03 ef 03 ef',
      { type: McsPduType.CHANNEL_JOIN_CONFIRM, result: 0, initiator: 1007, requested: 1007, channelId: 1007 },
    ],
    ['21 80', { type: McsPduType.DISCONNECT_PROVIDER_ULTIMATUM, reason: 3 }],
    [
      '64 00 06 03 eb 70 03 01 02 03',
      {
        type: McsPduType.SEND_DATA_REQUEST,
        initiator: 1007,
        channelId: 1003,
        priorityAndSegmentation: 7,
        data: hex('01 02 03'),
      },
    ],
  ];
  for (const [bytes, pdu] of vectors) {
    it(`encodes and decodes ${bytes}`, () => {
      expect(encodeMcsDomainPdu(pdu)).toEqual(hex(bytes));
      expect(decodeMcsDomainPdu(hex(bytes))).toEqual(pdu);
    });
  }

  it('uses the two-byte PER length for long Send Data payloads', () => {
    const data = new Uint8Array(300);
    const bytes = encodeMcsDomainPdu({ type: McsPduType.SEND_DATA_INDICATION, initiator: 1002, channelId: 1003, data });
    expect(bytes.subarray(0, 8)).toEqual(hex('68 00 01 03 eb 70 81 2c'));
    expect(decodeMcsDomainPdu(bytes)).toMatchObject({ type: McsPduType.SEND_DATA_INDICATION, initiator: 1002, data });
  });
});

describe('fuzzing the MCS, GCC and settings decoders', () => {
  it('only ever throws ProtocolError', () => {
    const ci = decodeConnectInitial(mcsPayload);
    const gcc = decodeConferenceCreateRequest(ci.userData);
    const server = encodeServerData({
      core: { version: 4, clientRequestedProtocols: 1 },
      network: { mcsChannelId: 1003, channelIds: [1004] },
    });
    const cases: [(b: Uint8Array) => unknown, Uint8Array[]][] = [
      [decodeConnectInitial, [mcsPayload]],
      [decodeConferenceCreateRequest, [ci.userData]],
      [decodeClientData, [gcc.userData]],
      [decodeServerData, [server]],
      [
        decodeConferenceCreateResponse,
        [encodeConferenceCreateResponse({ nodeId: 0x79f3, tag: 1, result: 0, userData: server })],
      ],
      [
        decodeMcsDomainPdu,
        [
          hex('2e 00 00 06'),
          hex('3e 00 00 06 03 ef 03 ef'),
          hex('64 00 06 03 eb 70 03 01 02 03'),
          hex('04 01 00 01 00'),
        ],
      ],
    ];
    for (const [decode, valid] of cases) expect(fuzz(decode, valid).rejected).toBeGreaterThan(0);
  });
});

describe('Windows interoperability', () => {
  it('reads zero-length PER integers in an Erect Domain Request as 0, as Windows does', () => {
    expect(decodeMcsDomainPdu(hex('04 00 00'))).toEqual({
      type: McsPduType.ERECT_DOMAIN_REQUEST,
      subHeight: 0,
      subInterval: 0,
    });
    expect(decodeMcsDomainPdu(hex('04 00 01 05'))).toMatchObject({ subHeight: 0, subInterval: 5 });
    expect(decodeMcsDomainPdu(hex('04 01 00 01 00'))).toMatchObject({ subHeight: 0, subInterval: 0 });
    expect(() => decodeMcsDomainPdu(hex('04 05 00 00 00 00 00 01 00'))).toThrow(ProtocolError);
  });

  it('encodes the Connect Response with GCC Conference Create Response byte for byte as a Windows server', () => {
    // A Windows server's answer over TLS to a client without static channels (TPKT, X.224, MCS, GCC, blocks).
    const windows = hex(`
      03 00 00 64 02 f0 80 7f 66 5a 0a 01 00 02 01 00 30 1a 02 01 22 02 01 03 02 01 00 02 01 01 02 01 00
      02 01 01 02 03 00 ff f8 02 01 02 04 36 00 05 00 14 7c 00 01 2a 14 76 0a 01 01 00 01 c0 00 4d 63 44
      6e 20 01 0c 0c 00 04 00 08 00 01 00 00 00 03 0c 08 00 eb 03 00 00 02 0c 0c 00 00 00 00 00 00 00 00
      00`);
    const serverData = encodeServerData({
      core: { version: 0x00080004, clientRequestedProtocols: 1 },
      network: { mcsChannelId: 1003, channelIds: [] },
      security: { encryptionMethod: 0, encryptionLevel: 0 },
    });
    const gcc = encodeConferenceCreateResponse({ nodeId: GCC_NODE_ID, tag: 1, result: 0, userData: serverData });
    const response = encodeConnectResponse({
      result: 0,
      calledConnectId: 0,
      domainParameters: SERVER_DOMAIN_PARAMETERS,
      userData: gcc,
    });
    expect(encodeTpkt(encodeX224Data(response))).toEqual(windows);
    // What clients read back from it, the fixed connectPDU length notwithstanding.
    const decoded = decodeConferenceCreateResponse(decodeConnectResponse(response).userData);
    expect(decoded).toMatchObject({ nodeId: 0x79f3, tag: 1, result: 0 });
    expect(decodeServerData(decoded.userData).network).toEqual({ mcsChannelId: 1003, channelIds: [] });
  });
});
