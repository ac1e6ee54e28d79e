import { ByteReader } from '../core/byte-reader.js';
import { ByteWriter } from '../core/byte-writer.js';
import { ProtocolError } from '../core/errors.js';

/** TS_SYNCHRONIZE_PDU.messageType (2.2.1.14.1). */
export const SYNCMSGTYPE_SYNC = 1;

/** TS_CONTROL_PDU.action (2.2.1.15.1). */
export const ControlAction = { REQUEST_CONTROL: 1, GRANTED_CONTROL: 2, DETACH: 3, COOPERATE: 4 } as const;
export type ControlAction = (typeof ControlAction)[keyof typeof ControlAction];

/** listFlags / mapFlags of the Font List and Font Map PDUs (2.2.1.18.1, 2.2.1.22.1). */
export const FontListFlag = { FIRST: 0x0001, LAST: 0x0002 } as const;

/** TS_SYNCHRONIZE_PDU body (2.2.1.14.1). */
export interface Synchronize {
  messageType: number;
  targetUser: number;
}

/** TS_CONTROL_PDU body (2.2.1.15.1). */
export interface Control {
  action: number;
  grantId: number;
  controlId: number;
}

/** TS_FONT_LIST_PDU body (2.2.1.18.1). */
export interface FontList {
  numberFonts: number;
  totalNumFonts: number;
  listFlags: number;
  entrySize: number;
}

/** TS_FONT_MAP_PDU body (2.2.1.22.1). */
export interface FontMap {
  numberEntries: number;
  totalNumEntries: number;
  mapFlags: number;
  entrySize: number;
}

/** TS_BITMAPCACHE_PERSISTENT_LIST_PDU (2.2.1.17.1): counted and otherwise ignored by a server without a bitmap cache. */
export interface PersistentKeyList {
  numEntries: number[];
  totalEntries: number[];
  flags: number;
  keys: { key1: number; key2: number }[];
}

export function encodeSynchronize(s: Synchronize): Uint8Array {
  return new ByteWriter(4).u16le(s.messageType).u16le(s.targetUser).toBytes();
}

export function decodeSynchronize(bytes: Uint8Array): Synchronize {
  const r = new ByteReader(bytes, 'TS_SYNCHRONIZE_PDU');
  return { messageType: r.u16le(), targetUser: r.u16le() };
}

export function encodeControl(c: Control): Uint8Array {
  return new ByteWriter(8).u16le(c.action).u16le(c.grantId).u32le(c.controlId).toBytes();
}

export function decodeControl(bytes: Uint8Array): Control {
  const r = new ByteReader(bytes, 'TS_CONTROL_PDU');
  return { action: r.u16le(), grantId: r.u16le(), controlId: r.u32le() };
}

export function encodeFontList(f: FontList): Uint8Array {
  return new ByteWriter(8).u16le(f.numberFonts).u16le(f.totalNumFonts).u16le(f.listFlags).u16le(f.entrySize).toBytes();
}

export function decodeFontList(bytes: Uint8Array): FontList {
  const r = new ByteReader(bytes, 'TS_FONT_LIST_PDU');
  return { numberFonts: r.u16le(), totalNumFonts: r.u16le(), listFlags: r.u16le(), entrySize: r.u16le() };
}

export function encodeFontMap(f: FontMap): Uint8Array {
  return new ByteWriter(8)
    .u16le(f.numberEntries)
    .u16le(f.totalNumEntries)
    .u16le(f.mapFlags)
    .u16le(f.entrySize)
    .toBytes();
}

export function decodeFontMap(bytes: Uint8Array): FontMap {
  const r = new ByteReader(bytes, 'TS_FONT_MAP_PDU');
  return { numberEntries: r.u16le(), totalNumEntries: r.u16le(), mapFlags: r.u16le(), entrySize: r.u16le() };
}

const CACHES = 5;
/** 2.2.1.17.1: at most 169 keys per PDU. */
const MAX_PERSISTENT_KEYS = 169;

export function encodePersistentKeyList(p: PersistentKeyList): Uint8Array {
  const w = new ByteWriter(24 + p.keys.length * 8);
  for (let i = 0; i < CACHES; i++) w.u16le(p.numEntries[i] ?? 0);
  for (let i = 0; i < CACHES; i++) w.u16le(p.totalEntries[i] ?? 0);
  w.u8(p.flags).u8(0).u16le(0);
  for (const k of p.keys) w.u32le(k.key1).u32le(k.key2);
  return w.toBytes();
}

export function decodePersistentKeyList(bytes: Uint8Array): PersistentKeyList {
  const r = new ByteReader(bytes, 'TS_BITMAPCACHE_PERSISTENT_LIST_PDU');
  const numEntries = Array.from({ length: CACHES }, () => r.u16le());
  const totalEntries = Array.from({ length: CACHES }, () => r.u16le());
  const flags = r.u8();
  r.u8();
  r.u16le();
  const count = numEntries.reduce((a, b) => a + b, 0);
  if (count > MAX_PERSISTENT_KEYS) throw new ProtocolError('OVERSIZE', `${count} keys`, r.pdu);
  const keys = Array.from({ length: count }, () => ({ key1: r.u32le(), key2: r.u32le() }));
  return { numEntries, totalEntries, flags, keys };
}
