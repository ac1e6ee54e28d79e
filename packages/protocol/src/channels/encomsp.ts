import { ByteReader } from '../core/byte-reader.js';
import { ByteWriter } from '../core/byte-writer.js';
import { ProtocolError } from '../core/errors.js';
import { checkUint } from '../data/field-range.js';

const PDU = 'MS-RDPEMC';

/** The static virtual channel that carries MS-RDPEMC (MS-RDPEMC 1.5). */
export const ENCOMSP_CHANNEL_NAME = 'encomsp';

/** ORDER_HDR Type values (ODTYPE_*, MS-RDPEMC 2.2.1). */
export const EncomspOrderType = {
  FILTER_STATE_UPDATED: 0x0001,
  APP_REMOVED: 0x0002,
  APP_CREATED: 0x0003,
  WND_REMOVED: 0x0004,
  WND_CREATED: 0x0005,
  WND_SHOW: 0x0006,
  PARTICIPANT_REMOVED: 0x0007,
  PARTICIPANT_CREATED: 0x0008,
  PARTICIPANT_CTRL_CHANGE: 0x0009,
  GRAPHICS_STREAM_PAUSED: 0x000a,
  GRAPHICS_STREAM_RESUMED: 0x000b,
  WND_REGION_UPDATE: 0x000c,
  PARTICIPANT_CTRL_CHANGE_RESPONSE: 0x000d,
} as const;
export type EncomspOrderType = (typeof EncomspOrderType)[keyof typeof EncomspOrderType];

/** OD_FILTER_STATE_UPDATED Flags (MS-RDPEMC 2.2.3.1). */
export const FilterStateFlags = { FILTER_ENABLED: 0x01 } as const;
export type FilterStateFlags = (typeof FilterStateFlags)[keyof typeof FilterStateFlags];

/** OD_APP_CREATED Flags (MS-RDPEMC 2.2.3.2). */
export const AppFlags = { APPLICATION_SHARED: 0x0001 } as const;
export type AppFlags = (typeof AppFlags)[keyof typeof AppFlags];

/** OD_WND_CREATED Flags (MS-RDPEMC 2.2.3.4). */
export const WindowFlags = { WINDOW_SHARED: 0x0001 } as const;
export type WindowFlags = (typeof WindowFlags)[keyof typeof WindowFlags];

/** OD_PARTICIPANT_CREATED Flags (MS-RDPEMC 2.2.4.1). */
export const ParticipantFlags = {
  MAY_VIEW: 0x0001,
  MAY_INTERACT: 0x0002,
  /** The PDU describes the participant that receives it. */
  IS_PARTICIPANT: 0x0004,
} as const;
export type ParticipantFlags = (typeof ParticipantFlags)[keyof typeof ParticipantFlags];

/** OD_PARTICIPANT_CTRL_CHANGE and _RESPONSE Flags (MS-RDPEMC 2.2.4.3, 2.2.4.4). */
export const ControlChangeFlags = {
  REQUEST_VIEW: 0x0001,
  REQUEST_INTERACT: 0x0002,
  ALLOW_CONTROL_REQUESTS: 0x0008,
} as const;
export type ControlChangeFlags = (typeof ControlChangeFlags)[keyof typeof ControlChangeFlags];

/** OD_PARTICIPANT_REMOVED DiscType (MS-RDPEMC 2.2.4.2). */
export const ParticipantDisconnectReason = {
  /** The sharing manager removed the participant. */
  APP: 0,
  /** The participant left. */
  CLI: 2,
} as const;
export type ParticipantDisconnectReason =
  (typeof ParticipantDisconnectReason)[keyof typeof ParticipantDisconnectReason];

/** UNICODE_STRING holds at most this many UTF-16 code units (MS-RDPEMC 2.2.2, 3.1.5.2). */
export const ENCOMSP_MAX_STRING_LENGTH = 1024;

/**
 * Every MS-RDPEMC PDU, by ORDER_HDR Type. Field names are the specification's in camelCase; strings are
 * UNICODE_STRINGs (at most {@link ENCOMSP_MAX_STRING_LENGTH} UTF-16 code units, no terminator).
 */
export type EncomspPdu =
  /** OD_FILTER_STATE_UPDATED (2.2.3.1, SM → P): `flags` of {@link FilterStateFlags}. */
  | { type: 'filterStateUpdated'; flags: number }
  /** OD_APP_REMOVED (2.2.3.3, SM → P). */
  | { type: 'appRemoved'; appId: number }
  /** OD_APP_CREATED (2.2.3.2, SM → P; also updates an existing AppId): `flags` of {@link AppFlags}. */
  | { type: 'appCreated'; flags: number; appId: number; name: string }
  /** OD_WND_REMOVED (2.2.3.5, SM → P). */
  | { type: 'windowRemoved'; windowId: number }
  /** OD_WND_CREATED (2.2.3.4, SM → P; also updates an existing WndId): `flags` of {@link WindowFlags}. */
  | { type: 'windowCreated'; flags: number; appId: number; windowId: number; name: string }
  /** OD_WND_SHOW (2.2.3.6, P → SM): the participant asks to see that window. */
  | { type: 'windowShow'; windowId: number }
  /**
   * OD_PARTICIPANT_REMOVED (2.2.4.2, SM → P): `discType` of {@link ParticipantDisconnectReason}, `discCode` an
   * HRESULT.
   */
  | { type: 'participantRemoved'; participantId: number; discType: number; discCode: number }
  /**
   * OD_PARTICIPANT_CREATED (2.2.4.1, SM → P; sent again whenever the participant's control level changes):
   * `flags` of {@link ParticipantFlags}.
   */
  | { type: 'participantCreated'; participantId: number; groupId: number; flags: number; friendlyName: string }
  /** OD_PARTICIPANT_CTRL_CHANGE (2.2.4.3, P → SM): a control request, `flags` of {@link ControlChangeFlags}. */
  | { type: 'participantCtrlChange'; flags: number; participantId: number }
  /** OD_GRAPHICS_STREAM_PAUSED (2.2.5.1, SM → P). */
  | { type: 'graphicsStreamPaused' }
  /** OD_GRAPHICS_STREAM_RESUMED (2.2.5.2, SM → P). */
  | { type: 'graphicsStreamResumed' }
  /** OD_WND_REGION_UPDATE (2.2.3.7, SM → P; not basic, see {@link isBasicEncomspPdu}). Bounds are inclusive. */
  | { type: 'windowRegionUpdate'; left: number; top: number; right: number; bottom: number }
  /**
   * OD_PARTICIPANT_CTRL_CHANGE_RESPONSE (2.2.4.4, SM → P; not basic, see {@link isBasicEncomspPdu}): the answer to
   * a control request, `flags` of {@link ControlChangeFlags}, `reasonCode` why it was granted or refused.
   */
  | { type: 'participantCtrlChangeResponse'; flags: number; participantId: number; reasonCode: number }
  /** A Type this implementation does not know; `body` is everything after ORDER_HDR. */
  | { type: 'unknown'; orderType: number; body: Uint8Array };

/**
 * The largest channel message {@link decodeEncomspPdus} accepts unless told otherwise: room for about 500
 * application, window or participant records with names of the maximum length, far more than a desktop has. A
 * sharer, which only receives OD_PARTICIPANT_CTRL_CHANGE and OD_WND_SHOW, can pass a much smaller limit.
 */
export const ENCOMSP_MAX_MESSAGE_LENGTH = 0x100000;

/** The ODTYPEs of the first MS-RDPEMC revision, which every participant parses. */
const BASIC_ORDER_TYPES: ReadonlySet<number> = new Set([
  EncomspOrderType.FILTER_STATE_UPDATED,
  EncomspOrderType.APP_REMOVED,
  EncomspOrderType.APP_CREATED,
  EncomspOrderType.WND_REMOVED,
  EncomspOrderType.WND_CREATED,
  EncomspOrderType.WND_SHOW,
  EncomspOrderType.PARTICIPANT_REMOVED,
  EncomspOrderType.PARTICIPANT_CREATED,
  EncomspOrderType.PARTICIPANT_CTRL_CHANGE,
  EncomspOrderType.GRAPHICS_STREAM_PAUSED,
  EncomspOrderType.GRAPHICS_STREAM_RESUMED,
]);

/** ORDER_HDR Type of a PDU. */
export function orderTypeOf(pdu: EncomspPdu): number {
  switch (pdu.type) {
    case 'filterStateUpdated':
      return EncomspOrderType.FILTER_STATE_UPDATED;
    case 'appRemoved':
      return EncomspOrderType.APP_REMOVED;
    case 'appCreated':
      return EncomspOrderType.APP_CREATED;
    case 'windowRemoved':
      return EncomspOrderType.WND_REMOVED;
    case 'windowCreated':
      return EncomspOrderType.WND_CREATED;
    case 'windowShow':
      return EncomspOrderType.WND_SHOW;
    case 'participantRemoved':
      return EncomspOrderType.PARTICIPANT_REMOVED;
    case 'participantCreated':
      return EncomspOrderType.PARTICIPANT_CREATED;
    case 'participantCtrlChange':
      return EncomspOrderType.PARTICIPANT_CTRL_CHANGE;
    case 'graphicsStreamPaused':
      return EncomspOrderType.GRAPHICS_STREAM_PAUSED;
    case 'graphicsStreamResumed':
      return EncomspOrderType.GRAPHICS_STREAM_RESUMED;
    case 'windowRegionUpdate':
      return EncomspOrderType.WND_REGION_UPDATE;
    case 'participantCtrlChangeResponse':
      return EncomspOrderType.PARTICIPANT_CTRL_CHANGE_RESPONSE;
    case 'unknown':
      return pdu.orderType;
  }
}

/**
 * Whether every MS-RDPEMC participant understands a PDU (or ORDER_HDR Type): true for ODTYPEs 0x0001..0x000B.
 * False for OD_WND_REGION_UPDATE (0x000C), OD_PARTICIPANT_CTRL_CHANGE_RESPONSE (0x000D) and unknown types:
 * FreeRDP 2.x's encomsp client parses only the first eleven and fails the whole channel message on any other
 * (ERROR_INVALID_DATA), losing the PDUs sent with it. Send those only to peers known to understand them, and
 * never in the same message as basic PDUs.
 *
 * @example
 * ```ts
 * const pdu: EncomspPdu = { type: 'participantCtrlChangeResponse', flags, participantId, reasonCode: 0 };
 * if (isBasicEncomspPdu(pdu) || peerKnowsNewerOrders) send(encodeEncomspPdu(pdu));
 * ```
 */
export function isBasicEncomspPdu(pdu: EncomspPdu | number): boolean {
  return BASIC_ORDER_TYPES.has(typeof pdu === 'number' ? pdu : orderTypeOf(pdu));
}

function readString(r: ByteReader): string {
  const cch = r.u16le();
  if (cch > ENCOMSP_MAX_STRING_LENGTH) {
    throw new ProtocolError('INVALID', `UNICODE_STRING of ${cch} code units exceeds ${ENCOMSP_MAX_STRING_LENGTH}`, PDU);
  }
  r.need(cch * 2, 'wString');
  let s = '';
  for (let i = 0; i < cch; i++) s += String.fromCharCode(r.u16le());
  return s;
}

function writeString(w: ByteWriter, s: string): void {
  if (s.length > ENCOMSP_MAX_STRING_LENGTH) {
    throw new ProtocolError('INVALID', `string of ${s.length} code units exceeds ${ENCOMSP_MAX_STRING_LENGTH}`, PDU);
  }
  w.u16le(s.length).utf16(s);
}

function readBody(orderType: number, r: ByteReader): EncomspPdu {
  switch (orderType) {
    case EncomspOrderType.FILTER_STATE_UPDATED:
      return { type: 'filterStateUpdated', flags: r.u8() };
    case EncomspOrderType.APP_REMOVED:
      return { type: 'appRemoved', appId: r.u32le() };
    case EncomspOrderType.APP_CREATED:
      return { type: 'appCreated', flags: r.u16le(), appId: r.u32le(), name: readString(r) };
    case EncomspOrderType.WND_REMOVED:
      return { type: 'windowRemoved', windowId: r.u32le() };
    case EncomspOrderType.WND_CREATED:
      return { type: 'windowCreated', flags: r.u16le(), appId: r.u32le(), windowId: r.u32le(), name: readString(r) };
    case EncomspOrderType.WND_SHOW:
      return { type: 'windowShow', windowId: r.u32le() };
    case EncomspOrderType.PARTICIPANT_REMOVED:
      return { type: 'participantRemoved', participantId: r.u32le(), discType: r.u32le(), discCode: r.u32le() };
    case EncomspOrderType.PARTICIPANT_CREATED:
      return {
        type: 'participantCreated',
        participantId: r.u32le(),
        groupId: r.u32le(),
        flags: r.u16le(),
        friendlyName: readString(r),
      };
    case EncomspOrderType.PARTICIPANT_CTRL_CHANGE:
      return { type: 'participantCtrlChange', flags: r.u16le(), participantId: r.u32le() };
    case EncomspOrderType.GRAPHICS_STREAM_PAUSED:
      return { type: 'graphicsStreamPaused' };
    case EncomspOrderType.GRAPHICS_STREAM_RESUMED:
      return { type: 'graphicsStreamResumed' };
    case EncomspOrderType.WND_REGION_UPDATE:
      return { type: 'windowRegionUpdate', left: r.u32le(), top: r.u32le(), right: r.u32le(), bottom: r.u32le() };
    case EncomspOrderType.PARTICIPANT_CTRL_CHANGE_RESPONSE:
      return {
        type: 'participantCtrlChangeResponse',
        flags: r.u16le(),
        participantId: r.u32le(),
        reasonCode: r.u32le(),
      };
    default:
      return { type: 'unknown', orderType, body: r.rest() };
  }
}

export interface EncomspDecodeOptions {
  /** Longest message accepted, in bytes (default {@link ENCOMSP_MAX_MESSAGE_LENGTH}); longer ones throw OVERSIZE. */
  readonly maxLength?: number;
}

/**
 * Decodes every PDU in one reassembled `encomsp` channel message (MS-RDPEMC 2.2.1: PDUs are concatenated and
 * ORDER_HDR.Length, header included, delimits each). Bytes between a PDU's known fields and its Length are skipped
 * (reserved for extensions, MS-RDPEMC 3.1.5.1). Unknown Types do not fail the message: they come back as
 * `{ type: 'unknown' }` so a sharer can log and ignore them while still acting on the PDUs around them.
 * A message over `maxLength`, a Length below 4 or past the end of the message, or fields that overrun their
 * Length, throw ProtocolError.
 *
 * @example
 * ```ts
 * for (const pdu of decodeEncomspPdus(message, { maxLength: 4096 })) {
 *   if (pdu.type === 'participantCtrlChange') onControlRequest(pdu.flags);
 * }
 * ```
 */
export function decodeEncomspPdus(bytes: Uint8Array, options: EncomspDecodeOptions = {}): EncomspPdu[] {
  const maxLength = options.maxLength ?? ENCOMSP_MAX_MESSAGE_LENGTH;
  if (bytes.byteLength > maxLength) {
    throw new ProtocolError('OVERSIZE', `message of ${bytes.byteLength} bytes exceeds the limit of ${maxLength}`, PDU);
  }
  const r = new ByteReader(bytes, PDU);
  const pdus: EncomspPdu[] = [];
  while (r.remaining > 0) {
    const orderType = r.u16le();
    const length = r.u16le();
    if (length < 4) throw new ProtocolError('INVALID', `ORDER_HDR Length ${length} < 4`, PDU);
    pdus.push(readBody(orderType, r.sub(length - 4, `${PDU} type ${orderType}`)));
  }
  return pdus;
}

const u16 = (v: number, what: string) => checkUint(v, 0xffff, what, PDU);
const u32 = (v: number, what: string) => checkUint(v, 0xffffffff, what, PDU);

function writeBody(w: ByteWriter, pdu: EncomspPdu): void {
  switch (pdu.type) {
    case 'filterStateUpdated':
      w.u8(checkUint(pdu.flags, 0xff, 'flags', PDU));
      break;
    case 'appRemoved':
      w.u32le(u32(pdu.appId, 'appId'));
      break;
    case 'appCreated':
      w.u16le(u16(pdu.flags, 'flags')).u32le(u32(pdu.appId, 'appId'));
      writeString(w, pdu.name);
      break;
    case 'windowRemoved':
      w.u32le(u32(pdu.windowId, 'windowId'));
      break;
    case 'windowCreated':
      w.u16le(u16(pdu.flags, 'flags')).u32le(u32(pdu.appId, 'appId')).u32le(u32(pdu.windowId, 'windowId'));
      writeString(w, pdu.name);
      break;
    case 'windowShow':
      w.u32le(u32(pdu.windowId, 'windowId'));
      break;
    case 'participantRemoved':
      w.u32le(u32(pdu.participantId, 'participantId'))
        .u32le(u32(pdu.discType, 'discType'))
        .u32le(u32(pdu.discCode, 'discCode'));
      break;
    case 'participantCreated':
      w.u32le(u32(pdu.participantId, 'participantId'))
        .u32le(u32(pdu.groupId, 'groupId'))
        .u16le(u16(pdu.flags, 'flags'));
      writeString(w, pdu.friendlyName);
      break;
    case 'participantCtrlChange':
      w.u16le(u16(pdu.flags, 'flags')).u32le(u32(pdu.participantId, 'participantId'));
      break;
    case 'graphicsStreamPaused':
    case 'graphicsStreamResumed':
      break;
    case 'windowRegionUpdate':
      w.u32le(u32(pdu.left, 'left'))
        .u32le(u32(pdu.top, 'top'))
        .u32le(u32(pdu.right, 'right'))
        .u32le(u32(pdu.bottom, 'bottom'));
      break;
    case 'participantCtrlChangeResponse':
      w.u16le(u16(pdu.flags, 'flags'))
        .u32le(u32(pdu.participantId, 'participantId'))
        .u32le(u32(pdu.reasonCode, 'reasonCode'));
      break;
    case 'unknown':
      w.bytes(pdu.body);
      break;
  }
}

/**
 * Encodes one PDU with its ORDER_HDR (MS-RDPEMC 2.2.1), as one `encomsp` channel message.
 *
 * @example
 * ```ts
 * const flags = ParticipantFlags.MAY_VIEW | ParticipantFlags.IS_PARTICIPANT;
 * send(encodeEncomspPdu({ type: 'participantCreated', participantId: 3, groupId: 1, flags, friendlyName: 'Ana' }));
 * ```
 */
export function encodeEncomspPdu(pdu: EncomspPdu): Uint8Array {
  return encodeEncomspPdus([pdu]);
}

/**
 * Encodes several PDUs back to back, for one channel message (the way a sharing manager announces a whole
 * participant, application or window list). Keep PDUs that are not basic ({@link isBasicEncomspPdu}) out of
 * messages for peers that might not know them.
 */
export function encodeEncomspPdus(pdus: readonly EncomspPdu[]): Uint8Array {
  const w = new ByteWriter(64);
  for (const pdu of pdus) {
    const start = w.offset;
    const type = u16(orderTypeOf(pdu), 'orderType');
    w.u32le(0);
    writeBody(w, pdu);
    const length = w.offset - start;
    if (length > 0xffff) throw new ProtocolError('OVERSIZE', `PDU of ${length} bytes`, PDU);
    w.setU16le(start, type).setU16le(start + 2, length);
  }
  return w.toBytes();
}
