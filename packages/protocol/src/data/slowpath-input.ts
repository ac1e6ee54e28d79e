import { ByteReader } from '../core/byte-reader.js';
import { ByteWriter } from '../core/byte-writer.js';
import { ProtocolError } from '../core/errors.js';
import { checkInt16, checkUint } from './field-range.js';
import { type InputEvent, KbdFlags } from './input-event.js';

const PDU = 'TS_INPUT_PDU_DATA';

/** messageType of TS_INPUT_EVENT (MS-RDPBCGR 2.2.8.1.1.3.1.1). */
export const InputMessageType = {
  SYNC: 0x0000,
  SCANCODE: 0x0004,
  UNICODE: 0x0005,
  MOUSE: 0x8001,
  MOUSEX: 0x8002,
  MOUSEREL: 0x8004,
} as const;
export type InputMessageType = (typeof InputMessageType)[keyof typeof InputMessageType];

/** Every slow-path event is eventTime (4) + messageType (2) + a 6-byte body. */
const EVENT_SIZE = 12;

/** One slow-path event with its timestamp, which the fast path does not carry. */
export interface TimedInputEvent {
  /** Client-side time in milliseconds; servers ignore it (MS-RDPBCGR 2.2.8.1.1.3.1.1). */
  eventTime: number;
  event: InputEvent;
}

/**
 * Decodes the TS_INPUT_PDU_DATA payload after the share data header (MS-RDPBCGR 2.2.8.1.1.3.1): numEvents,
 * pad2Octets, then numEvents TS_INPUT_EVENTs. eventTime is dropped (servers ignore it). Bytes after the last event
 * are ignored, since the share data header length, not this structure, bounds the PDU.
 */
export function decodeSlowPathInput(bytes: Uint8Array): InputEvent[] {
  const r = new ByteReader(bytes, PDU);
  const numEvents = r.u16le();
  r.skip(2);
  r.need(numEvents * EVENT_SIZE, `${numEvents} events`);
  const events: InputEvent[] = [];
  for (let i = 0; i < numEvents; i++) {
    r.skip(4);
    events.push(readEvent(r, r.u16le()));
  }
  return events;
}

function readEvent(r: ByteReader, messageType: number): InputEvent {
  switch (messageType) {
    case InputMessageType.SYNC: {
      r.skip(2);
      return { type: 'sync', toggleFlags: r.u32le() };
    }
    case InputMessageType.SCANCODE: {
      const flags = r.u16le();
      const code = r.u16le();
      r.skip(2);
      return {
        type: 'scancode',
        code,
        release: (flags & KbdFlags.RELEASE) !== 0,
        extended: (flags & KbdFlags.EXTENDED) !== 0,
        extended1: (flags & KbdFlags.EXTENDED1) !== 0,
      };
    }
    case InputMessageType.UNICODE: {
      const flags = r.u16le();
      const code = r.u16le();
      r.skip(2);
      return { type: 'unicode', code, release: (flags & KbdFlags.RELEASE) !== 0 };
    }
    case InputMessageType.MOUSE:
      return { type: 'mouse', flags: r.u16le(), x: r.u16le(), y: r.u16le() };
    case InputMessageType.MOUSEX:
      return { type: 'mousex', flags: r.u16le(), x: r.u16le(), y: r.u16le() };
    case InputMessageType.MOUSEREL:
      return { type: 'relmouse', flags: r.u16le(), dx: r.i16le(), dy: r.i16le() };
    default:
      throw new ProtocolError('UNSUPPORTED', `messageType 0x${messageType.toString(16)}`, PDU);
  }
}

const u = (value: number, max: number, what: string) => checkUint(value, max, what, PDU);

function writeEvent(w: ByteWriter, e: InputEvent): void {
  switch (e.type) {
    case 'sync':
      w.u16le(InputMessageType.SYNC)
        .u16le(0)
        .u32le(u(e.toggleFlags, 0xffffffff, 'toggle flags'));
      return;
    case 'scancode': {
      const flags =
        (e.release ? KbdFlags.RELEASE : 0) |
        (e.extended ? KbdFlags.EXTENDED : 0) |
        (e.extended1 ? KbdFlags.EXTENDED1 : 0);
      w.u16le(InputMessageType.SCANCODE)
        .u16le(flags)
        .u16le(u(e.code, 0xffff, 'scan code'))
        .u16le(0);
      return;
    }
    case 'unicode':
      w.u16le(InputMessageType.UNICODE)
        .u16le(e.release ? KbdFlags.RELEASE : 0)
        .u16le(u(e.code, 0xffff, 'unicode code'))
        .u16le(0);
      return;
    case 'mouse':
    case 'mousex':
      w.u16le(e.type === 'mouse' ? InputMessageType.MOUSE : InputMessageType.MOUSEX)
        .u16le(u(e.flags, 0xffff, 'pointer flags'))
        .u16le(u(e.x, 0xffff, 'x'))
        .u16le(u(e.y, 0xffff, 'y'));
      return;
    case 'relmouse':
      w.u16le(InputMessageType.MOUSEREL)
        .u16le(u(e.flags, 0xffff, 'pointer flags'))
        .i16le(checkInt16(e.dx, 'dx', PDU))
        .i16le(checkInt16(e.dy, 'dy', PDU));
      return;
    case 'qoe':
      throw new ProtocolError('UNSUPPORTED', 'QoE timestamps exist only on the fast path', PDU);
  }
}

/**
 * Encodes the TS_INPUT_PDU_DATA payload that follows the share data header. Plain events get eventTime 0; pass
 * {@link TimedInputEvent}s to set it.
 */
export function encodeSlowPathInput(events: readonly (InputEvent | TimedInputEvent)[]): Uint8Array {
  u(events.length, 0xffff, 'numEvents');
  const w = new ByteWriter(4 + events.length * EVENT_SIZE);
  w.u16le(events.length).u16le(0);
  for (const item of events) {
    const timed = 'event' in item;
    w.u32le(timed ? u(item.eventTime, 0xffffffff, 'eventTime') : 0);
    writeEvent(w, timed ? item.event : item);
  }
  return w.toBytes();
}
