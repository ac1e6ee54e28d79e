import { decodeChannelPdu } from '../../src/channels/virtual-channel.js';
import { decodeConfirmActive } from '../../src/connection/active.js';
import { decodeClientData } from '../../src/connection/client-data.js';
import { decodeClientInfo } from '../../src/connection/client-info.js';
import { decodeControl, decodeFontList, decodeSynchronize } from '../../src/connection/finalization.js';
import { peekFrame } from '../../src/connection/framing.js';
import { decodeConferenceCreateRequest } from '../../src/connection/gcc.js';
import { decodeLicensingPdu } from '../../src/connection/licensing.js';
import {
  decodeConnectInitial,
  decodeMcsDomainPdu,
  MCS_GLOBAL_CHANNEL_ID,
  McsPduType,
} from '../../src/connection/mcs.js';
import { decodeRefreshRect } from '../../src/connection/refresh-rect.js';
import { decodeSecurityHeader, SecurityHeaderKind } from '../../src/connection/security-header.js';
import { decodeShareControl, decodeShareData, PduType, PduType2 } from '../../src/connection/share-headers.js';
import { decodeSuppressOutput } from '../../src/connection/suppress-output.js';
import { decodeTpkt } from '../../src/connection/tpkt.js';
import { decodeConnectionRequest, decodeX224Data, peekX224Type, X224TpduType } from '../../src/connection/x224.js';
import { FastPathSecurityFlags } from '../../src/data/fastpath-envelope.js';
import { decodeFastPathInputEvents, decodeFastPathInputHeader } from '../../src/data/fastpath-input.js';
import { decodeSlowPathInput } from '../../src/data/slowpath-input.js';
import { decryptClientRandom } from '../../src/security/client-random.js';
import type { EncryptionMethod } from '../../src/security/encryption-method.js';
import { RdpSecurityContext } from '../../src/security/rdp-security.js';
import { decodeSecurityExchange } from '../../src/security/security-exchange.js';
import { SecurityFlag } from '../../src/security/security-flags.js';
import { nodeCryptoProvider } from '../node-crypto.js';
import type { Recording } from './recording.js';
import { frameSpans } from './stream-mutations.js';

/** A decoder the acceptor runs on client input, as a function of one PDU's bytes. */
export const ACCEPTOR_DECODERS = {
  frame: (b: Uint8Array) => peekFrame(b, 0xffff),
  tpkt: decodeTpkt,
  connectionRequest: decodeConnectionRequest,
  x224Data: decodeX224Data,
  connectInitial: decodeConnectInitial,
  conferenceCreateRequest: decodeConferenceCreateRequest,
  clientData: decodeClientData,
  mcsDomainPdu: decodeMcsDomainPdu,
  securityExchange: decodeSecurityExchange,
  basicSecurityHeader: (b: Uint8Array) => decodeSecurityHeader(b, SecurityHeaderKind.BASIC),
  nonFipsSecurityHeader: (b: Uint8Array) => decodeSecurityHeader(b, SecurityHeaderKind.NON_FIPS),
  clientInfo: decodeClientInfo,
  licensing: decodeLicensingPdu,
  shareControl: decodeShareControl,
  confirmActive: decodeConfirmActive,
  shareData: decodeShareData,
  synchronize: decodeSynchronize,
  control: decodeControl,
  fontList: decodeFontList,
  slowPathInput: decodeSlowPathInput,
  refreshRect: decodeRefreshRect,
  suppressOutput: decodeSuppressOutput,
  channelPdu: decodeChannelPdu,
  fastPathInputHeader: (b: Uint8Array) => decodeFastPathInputHeader(b, { fips: false }),
  /** Samples carry their event count in the first byte (the numEvents = 0 form). */
  fastPathInputEvents: (b: Uint8Array) => decodeFastPathInputEvents(b, 0),
} as const;
export type AcceptorDecoder = keyof typeof ACCEPTOR_DECODERS;

/**
 * Takes a recording apart the way the acceptor does (frames, TPKT, X.224, MCS, security header and RC4
 * decryption, share headers, fast-path) and returns each layer's bytes per decoder, for fuzzing the decoders
 * one by one with real PDUs.
 */
export function recordedPdus(recording: Recording): Map<AcceptorDecoder, Uint8Array[]> {
  const samples = new Map<AcceptorDecoder, Uint8Array[]>();
  const add = (decoder: AcceptorDecoder, bytes: Uint8Array) => {
    samples.set(decoder, [...(samples.get(decoder) ?? []), bytes.slice()]);
  };
  const rdp = recording.expected.securityLayer === 'rdp';
  let security: RdpSecurityContext | undefined;
  let connected = false;

  const unwrap = (data: Uint8Array, always: boolean) => {
    if (!rdp && !always) return { flags: 0, payload: data };
    add(rdp ? 'nonFipsSecurityHeader' : 'basicSecurityHeader', data);
    const { header, payload } = decodeSecurityHeader(
      data,
      rdp ? SecurityHeaderKind.NON_FIPS : SecurityHeaderKind.BASIC,
    );
    if (!(header.flags & SecurityFlag.ENCRYPT)) return { flags: header.flags, payload };
    if (!security) throw new Error('encrypted PDU before the security exchange');
    const plain = security.decrypt(payload, header.dataSignature as Uint8Array, {
      salted: (header.flags & SecurityFlag.SECURE_CHECKSUM) !== 0,
    });
    return { flags: header.flags, payload: plain };
  };

  const shareControl = (payload: Uint8Array) => {
    add('shareControl', payload);
    const control = decodeShareControl(payload);
    if (control?.pduType === PduType.CONFIRM_ACTIVE) add('confirmActive', control.body);
    if (control?.pduType !== PduType.DATA) return;
    add('shareData', control.body);
    const data = decodeShareData(control.body);
    const decoder = {
      [PduType2.SYNCHRONIZE]: 'synchronize',
      [PduType2.CONTROL]: 'control',
      [PduType2.FONTLIST]: 'fontList',
      [PduType2.INPUT]: 'slowPathInput',
      [PduType2.REFRESH_RECT]: 'refreshRect',
      [PduType2.SUPPRESS_OUTPUT]: 'suppressOutput',
    }[data.pduType2] as AcceptorDecoder | undefined;
    if (decoder) add(decoder, data.body);
  };

  for (const span of frameSpans(recording.stream)) {
    const frame = recording.stream.subarray(span.offset, span.offset + span.length);
    add('frame', frame);
    if (frame[0] !== 0x03) {
      add('fastPathInputHeader', frame);
      const header = decodeFastPathInputHeader(frame, { fips: false });
      let payload = frame.subarray(header.payloadOffset, header.length);
      if (header.flags & FastPathSecurityFlags.ENCRYPTED) {
        if (!security) throw new Error('encrypted fast-path input before the security exchange');
        payload = security.decrypt(payload, header.signature as Uint8Array, {
          salted: (header.flags & FastPathSecurityFlags.SECURE_CHECKSUM) !== 0,
        });
      }
      add('fastPathInputEvents', header.numEvents === 0 ? payload : new Uint8Array([header.numEvents, ...payload]));
      continue;
    }
    add('tpkt', frame);
    const tpdu = decodeTpkt(frame);
    if (peekX224Type(tpdu) === X224TpduType.CONNECTION_REQUEST) {
      add('connectionRequest', tpdu);
      continue;
    }
    add('x224Data', tpdu);
    const mcs = decodeX224Data(tpdu);
    if (!connected) {
      connected = true;
      add('connectInitial', mcs);
      const gcc = decodeConnectInitial(mcs).userData;
      add('conferenceCreateRequest', gcc);
      add('clientData', decodeConferenceCreateRequest(gcc).userData);
      continue;
    }
    add('mcsDomainPdu', mcs);
    const pdu = decodeMcsDomainPdu(mcs);
    if (pdu.type !== McsPduType.SEND_DATA_REQUEST) continue;
    if (rdp && !security) {
      add('securityExchange', pdu.data);
      const key = recording.rsaKey;
      if (!key) throw new Error(`${recording.name} has no RSA key`);
      security = new RdpSecurityContext({
        role: 'server',
        method: recording.expected.encryptionMethod as EncryptionMethod,
        clientRandom: decryptClientRandom(decodeSecurityExchange(pdu.data).encryptedClientRandom, key),
        serverRandom: recording.randomBytes[0],
        crypto: nodeCryptoProvider(),
      });
      continue;
    }
    if (pdu.channelId !== MCS_GLOBAL_CHANNEL_ID) {
      add('channelPdu', unwrap(pdu.data, false).payload);
      continue;
    }
    const { flags, payload } = unwrap(pdu.data, !samples.has('clientInfo'));
    if (flags & SecurityFlag.INFO_PKT) add('clientInfo', payload);
    else if (flags & SecurityFlag.LICENSE_PKT) add('licensing', payload);
    else shareControl(payload);
  }
  return samples;
}
