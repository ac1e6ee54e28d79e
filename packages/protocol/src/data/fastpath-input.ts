import { ByteReader } from '../core/byte-reader.js';
import { ByteWriter } from '../core/byte-writer.js';
import { ProtocolError } from '../core/errors.js';
import {
  decodeFastPathEnvelope,
  encodeFastPathEnvelope,
  encodeFastPathEnvelopeHeader,
  type FastPathEnvelopeOptions,
  type FastPathFipsInformation,
} from './fastpath-envelope.js';
import { checkInt16, checkUint } from './field-range.js';
import { FastPathKbdFlags, type InputEvent } from './input-event.js';

const PDU = 'TS_FP_INPUT_PDU';

/** eventCode of the fast-path event header (MS-RDPBCGR 2.2.8.1.2.2). */
export const FastPathInputEventCode = {
  SCANCODE: 0,
  MOUSE: 1,
  MOUSEX: 2,
  SYNC: 3,
  UNICODE: 4,
  RELMOUSE: 5,
  QOE_TIMESTAMP: 6,
} as const;
export type FastPathInputEventCode = (typeof FastPathInputEventCode)[keyof typeof FastPathInputEventCode];

/** The header count field holds 4 bits; larger batches put the count in the first payload byte. */
const MAX_HEADER_EVENTS = 15;
const MAX_EVENTS = 255;

/** The clear-text part of a fast-path input PDU (MS-RDPBCGR 2.2.8.1.2). */
export interface FastPathInputHeader {
  /** Combination of `FastPathSecurityFlags`. */
  flags: number;
  /**
   * The event count from the header; 0 means the count is the first byte of the payload. That byte is encrypted
   * along with the events, so it is read by {@link decodeFastPathInputEvents}, not here.
   */
  numEvents: number;
  /** Total PDU length, header included. */
  length: number;
  fipsInformation?: FastPathFipsInformation;
  signature?: Uint8Array;
  /** Where the (possibly encrypted) payload starts; it ends at `length`. */
  payloadOffset: number;
}

/**
 * Decodes the header of a complete fast-path input PDU (`bytes` must hold at least `length` bytes; frame the
 * stream with `fastPathPduLength`). The payload is `bytes.subarray(payloadOffset, length)`.
 */
export function decodeFastPathInputHeader(
  bytes: Uint8Array,
  options: FastPathEnvelopeOptions = {},
): FastPathInputHeader {
  const env = decodeFastPathEnvelope(bytes, options, PDU);
  const header: FastPathInputHeader = {
    flags: env.flags,
    numEvents: env.headerBits,
    length: env.length,
    payloadOffset: env.payloadOffset,
  };
  if (env.fipsInformation) header.fipsInformation = env.fipsInformation;
  if (env.signature) header.signature = env.signature;
  return header;
}

/** Fields of the clear-text header in front of an already built (and possibly encrypted) payload. */
export interface FastPathInputHeaderFields {
  flags?: number;
  /** As returned by {@link encodeFastPathInputEvents}: 1-15, or 0 when the payload starts with the count. */
  numEvents: number;
  fipsInformation?: FastPathFipsInformation;
  signature?: Uint8Array;
}

/** The header alone, for a payload of `payloadLength` bytes. */
export function encodeFastPathInputHeader(fields: FastPathInputHeaderFields, payloadLength: number): Uint8Array {
  return encodeFastPathEnvelopeHeader({ ...fields, headerBits: fields.numEvents, payloadLength }, PDU);
}

/** A whole fast-path input PDU: header plus `payload` (from {@link encodeFastPathInputEvents}, maybe encrypted). */
export function encodeFastPathInputPdu(fields: FastPathInputHeaderFields & { payload: Uint8Array }): Uint8Array {
  const { payload, numEvents, ...rest } = fields;
  return encodeFastPathEnvelope({ ...rest, headerBits: numEvents }, payload, PDU);
}

/**
 * Decodes fpInputEvents (MS-RDPBCGR 2.2.8.1.2.2) from a decrypted payload. `numEvents` is the header's count; when
 * it is 0 the first payload byte holds the count. The payload must contain exactly those events (strip FIPS
 * padding first).
 */
export function decodeFastPathInputEvents(payload: Uint8Array, numEvents: number): InputEvent[] {
  const r = new ByteReader(payload, PDU);
  const count = numEvents === 0 ? r.u8() : numEvents;
  const events: InputEvent[] = [];
  for (let i = 0; i < count; i++) events.push(readEvent(r));
  r.end();
  return events;
}

function readEvent(r: ByteReader): InputEvent {
  const header = r.u8();
  const eventFlags = header & 0x1f;
  const code = header >> 5;
  switch (code) {
    case FastPathInputEventCode.SCANCODE:
      return {
        type: 'scancode',
        code: r.u8(),
        release: (eventFlags & FastPathKbdFlags.RELEASE) !== 0,
        extended: (eventFlags & FastPathKbdFlags.EXTENDED) !== 0,
        extended1: (eventFlags & FastPathKbdFlags.EXTENDED1) !== 0,
      };
    case FastPathInputEventCode.MOUSE:
      return { type: 'mouse', flags: r.u16le(), x: r.u16le(), y: r.u16le() };
    case FastPathInputEventCode.MOUSEX:
      return { type: 'mousex', flags: r.u16le(), x: r.u16le(), y: r.u16le() };
    case FastPathInputEventCode.SYNC:
      return { type: 'sync', toggleFlags: eventFlags };
    case FastPathInputEventCode.UNICODE:
      return { type: 'unicode', code: r.u16le(), release: (eventFlags & FastPathKbdFlags.RELEASE) !== 0 };
    case FastPathInputEventCode.RELMOUSE:
      return { type: 'relmouse', flags: r.u16le(), dx: r.i16le(), dy: r.i16le() };
    case FastPathInputEventCode.QOE_TIMESTAMP:
      return { type: 'qoe', timestamp: r.u32le() };
    default:
      throw new ProtocolError('UNSUPPORTED', `event code ${code}`, PDU);
  }
}

const u = (value: number, max: number, what: string) => checkUint(value, max, what, PDU);

function writeEvent(w: ByteWriter, e: InputEvent): void {
  const head = (code: number, flags = 0) => w.u8((code << 5) | (flags & 0x1f));
  switch (e.type) {
    case 'scancode':
      head(
        FastPathInputEventCode.SCANCODE,
        (e.release ? FastPathKbdFlags.RELEASE : 0) |
          (e.extended ? FastPathKbdFlags.EXTENDED : 0) |
          (e.extended1 ? FastPathKbdFlags.EXTENDED1 : 0),
      );
      w.u8(u(e.code, 0xff, 'fast-path scan code'));
      return;
    case 'mouse':
    case 'mousex':
      head(e.type === 'mouse' ? FastPathInputEventCode.MOUSE : FastPathInputEventCode.MOUSEX);
      w.u16le(u(e.flags, 0xffff, 'pointer flags'));
      w.u16le(u(e.x, 0xffff, 'x'));
      w.u16le(u(e.y, 0xffff, 'y'));
      return;
    case 'sync':
      head(FastPathInputEventCode.SYNC, u(e.toggleFlags, 0x1f, 'fast-path toggle flags'));
      return;
    case 'unicode':
      head(FastPathInputEventCode.UNICODE, e.release ? FastPathKbdFlags.RELEASE : 0);
      w.u16le(u(e.code, 0xffff, 'unicode code'));
      return;
    case 'relmouse':
      head(FastPathInputEventCode.RELMOUSE);
      w.u16le(u(e.flags, 0xffff, 'pointer flags'));
      w.i16le(checkInt16(e.dx, 'dx', PDU));
      w.i16le(checkInt16(e.dy, 'dy', PDU));
      return;
    case 'qoe':
      head(FastPathInputEventCode.QOE_TIMESTAMP);
      w.u32le(u(e.timestamp, 0xffffffff, 'timestamp'));
      return;
  }
}

/**
 * Encodes events as fpInputEvents. Up to 15 events the count goes in the header (`numEvents` = count); 16 to 255
 * events put the count in the payload's first byte and the header says 0. Pass both to
 * {@link encodeFastPathInputPdu}, after encrypting `payload` if the connection needs it.
 */
export function encodeFastPathInputEvents(events: readonly InputEvent[]): { numEvents: number; payload: Uint8Array } {
  if (events.length === 0 || events.length > MAX_EVENTS) {
    throw new ProtocolError('INVALID', `${events.length} events, need 1..${MAX_EVENTS}`, PDU);
  }
  const w = new ByteWriter(1 + events.length * 7);
  const inHeader = events.length <= MAX_HEADER_EVENTS;
  if (!inHeader) w.u8(events.length);
  for (const e of events) writeEvent(w, e);
  return { numEvents: inHeader ? events.length : 0, payload: w.toBytes() };
}
