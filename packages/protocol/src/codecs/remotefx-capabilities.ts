import { ByteReader } from '../core/byte-reader.js';
import { ByteWriter } from '../core/byte-writer.js';
import { ProtocolError } from '../core/errors.js';
import { CT_TILE_64X64, RFX_CODEC_ID, WF_VERSION_1_0 } from './remotefx.js';
import { RlgrMode } from './rlgr.js';

/**
 * The RemoteFX entry's codecProperties in a client's Bitmap Codecs capability set ([MS-RDPRFX] 2.2.1.1):
 * TS_RFX_CLNT_CAPS_CONTAINER holding TS_RFX_CAPS, one TS_RFX_CAPSET and its TS_RFX_ICAP entries, one per
 * configuration the client decodes.
 */

/** TS_RFX_CLNT_CAPS_CONTAINER.captureFlags: CARDP_CAPS_CAPTURE_NON_CAC, the client's screen is not a CAC capture. */
export const CARDP_CAPS_CAPTURE_NON_CAC = 0x1;
/** TS_RFX_CAPS.blockType. */
export const CBY_CAPS = 0xcbc0;
/** TS_RFX_CAPSET.blockType. */
export const CBY_CAPSET = 0xcbc1;
/** TS_RFX_CAPSET.capsetType. */
export const CLY_CAPSET = 0xcfc0;
/** TS_RFX_ICAP.colConvBits: CLW_COL_CONV_ICT, the only colour conversion. */
export const CLW_COL_CONV_ICT = 0x1;
/** TS_RFX_ICAP.transformBits: CLW_XFORM_DWT_53_A, the only transform. */
export const CLW_XFORM_DWT_53_A = 0x1;

const PDU = 'TS_RFX_CLNT_CAPS_CONTAINER';
/** length, captureFlags, capsLength. */
const CONTAINER_HEADER = 12;
/** TS_RFX_CAPS: blockType, blockLen, numCapsets; its blockLen counts only these 8 bytes. */
const CAPS_HEADER = 8;
/** TS_RFX_CAPSET up to its icapsData: blockType, blockLen, codecId, capsetType, numIcaps, icapLen. */
const CAPSET_HEADER = 13;
/** TS_RFX_ICAP.icapLen: MUST be 8. */
const ICAP_LENGTH = 8;
/** TS_RFX_CAPS.numCapsets: MUST be 1. */
const NUM_CAPSETS = 1;

/** TS_RFX_ICAP: one configuration of the codec. */
export interface RfxIcap {
  /** CODEC_MODE (image mode, 0x02) or 0 (video mode). */
  flags: number;
  entropy: RlgrMode;
}

/** The decoded TS_RFX_CLNT_CAPS_CONTAINER. */
export interface RfxClientCapabilities {
  captureFlags: number;
  icaps: RfxIcap[];
}

/** Encodes a TS_RFX_CLNT_CAPS_CONTAINER (all of codecProperties). */
export function encodeRfxClientCapabilities(caps: RfxClientCapabilities): Uint8Array {
  if (caps.icaps.length === 0 || caps.icaps.length > 0xffff)
    throw new ProtocolError('INVALID', `${caps.icaps.length} TS_RFX_ICAP entries`, PDU);
  const capsetLength = CAPSET_HEADER + caps.icaps.length * ICAP_LENGTH;
  const capsLength = CAPS_HEADER + capsetLength;
  const length = CONTAINER_HEADER + capsLength;
  const w = new ByteWriter(length)
    .u32le(length)
    .u32le(caps.captureFlags)
    .u32le(capsLength)
    .u16le(CBY_CAPS)
    .u32le(CAPS_HEADER)
    .u16le(NUM_CAPSETS)
    .u16le(CBY_CAPSET)
    .u32le(capsetLength)
    .u8(RFX_CODEC_ID)
    .u16le(CLY_CAPSET)
    .u16le(caps.icaps.length)
    .u16le(ICAP_LENGTH);
  for (const icap of caps.icaps) {
    w.u16le(WF_VERSION_1_0)
      .u16le(CT_TILE_64X64)
      .u8(icap.flags)
      .u8(CLW_COL_CONV_ICT)
      .u8(CLW_XFORM_DWT_53_A)
      .u8(icap.entropy);
  }
  return w.toBytes();
}

/** Decodes a TS_RFX_CLNT_CAPS_CONTAINER; every length and constant field is checked, ProtocolError otherwise. */
export function decodeRfxClientCapabilities(bytes: Uint8Array): RfxClientCapabilities {
  const r = new ByteReader(bytes, PDU);
  const length = r.u32le();
  if (length !== bytes.byteLength)
    throw new ProtocolError('INVALID', `length ${length} in ${bytes.byteLength} bytes`, PDU);
  const captureFlags = r.u32le();
  const capsLength = r.u32le();
  if (capsLength !== r.remaining) throw new ProtocolError('INVALID', `capsLength ${capsLength}`, PDU);
  check(r.u16le(), CBY_CAPS, 'TS_RFX_CAPS.blockType');
  check(r.u32le(), CAPS_HEADER, 'TS_RFX_CAPS.blockLen');
  check(r.u16le(), NUM_CAPSETS, 'numCapsets');
  check(r.u16le(), CBY_CAPSET, 'TS_RFX_CAPSET.blockType');
  const capsetLength = r.u32le();
  check(r.u8(), RFX_CODEC_ID, 'TS_RFX_CAPSET.codecId');
  check(r.u16le(), CLY_CAPSET, 'capsetType');
  const numIcaps = r.u16le();
  check(r.u16le(), ICAP_LENGTH, 'icapLen');
  if (capsetLength !== CAPSET_HEADER + numIcaps * ICAP_LENGTH || r.remaining !== numIcaps * ICAP_LENGTH)
    throw new ProtocolError('INVALID', `TS_RFX_CAPSET of ${capsetLength} bytes with ${numIcaps} icaps`, PDU);
  const icaps: RfxIcap[] = [];
  for (let i = 0; i < numIcaps; i++) {
    check(r.u16le(), WF_VERSION_1_0, 'TS_RFX_ICAP.version');
    check(r.u16le(), CT_TILE_64X64, 'tileSize');
    const flags = r.u8();
    check(r.u8(), CLW_COL_CONV_ICT, 'colConvBits');
    check(r.u8(), CLW_XFORM_DWT_53_A, 'transformBits');
    const entropy = r.u8();
    if (entropy !== RlgrMode.RLGR1 && entropy !== RlgrMode.RLGR3)
      throw new ProtocolError('INVALID', `entropyBits ${entropy}`, PDU);
    icaps.push({ flags, entropy });
  }
  return { captureFlags, icaps };
}

function check(value: number, wanted: number, field: string): void {
  if (value !== wanted)
    throw new ProtocolError('INVALID', `${field} 0x${value.toString(16)}, not 0x${wanted.toString(16)}`, PDU);
}
