import { ByteReader } from '../core/byte-reader.js';
import { ByteWriter } from '../core/byte-writer.js';
import { ProtocolError } from '../core/errors.js';
import { type CapabilitySet, decodeCapabilitySets, encodeCapabilitySets, type RawCapability } from './capabilities.js';

/** Bounds the capability set count so a bogus count cannot make the decoder loop for long. */
const MAX_CAPABILITY_SETS = 64;

/** TS_DEMAND_ACTIVE_PDU body after the share control header (2.2.1.13.1.1). */
export interface DemandActive {
  shareId: number;
  sourceDescriptor: string;
  capabilitySets: (CapabilitySet | RawCapability)[];
  sessionId: number;
}

/** TS_CONFIRM_ACTIVE_PDU body after the share control header (2.2.1.13.2.1). */
export interface ConfirmActive {
  shareId: number;
  originatorId: number;
  sourceDescriptor: string;
  capabilitySets: (CapabilitySet | RawCapability)[];
}

/** TS_DEACTIVATE_ALL_PDU body after the share control header (2.2.3.1.1). */
export interface DeactivateAll {
  shareId: number;
  sourceDescriptor: string;
}

function writeDescriptor(w: ByteWriter, descriptor: string): void {
  w.ascii(`${descriptor}\0`);
}

export function encodeDemandActive(d: DemandActive): Uint8Array {
  const caps = encodeCapabilitySets(d.capabilitySets);
  const w = new ByteWriter(caps.byteLength + 32);
  w.u32le(d.shareId)
    .u16le(d.sourceDescriptor.length + 1)
    .u16le(caps.byteLength + 4);
  writeDescriptor(w, d.sourceDescriptor);
  w.u16le(d.capabilitySets.length).u16le(0).bytes(caps).u32le(d.sessionId);
  return w.toBytes();
}

function readCapabilities(r: ByteReader, combinedLength: number): (CapabilitySet | RawCapability)[] {
  if (combinedLength < 4) throw new ProtocolError('INVALID', `lengthCombinedCapabilities ${combinedLength}`, r.pdu);
  const count = r.u16le();
  r.u16le();
  if (count > MAX_CAPABILITY_SETS) throw new ProtocolError('OVERSIZE', `${count} capability sets`, r.pdu);
  return decodeCapabilitySets(r.bytesView(combinedLength - 4, 'capabilitySets'), count);
}

export function decodeDemandActive(bytes: Uint8Array): DemandActive {
  const r = new ByteReader(bytes, 'TS_DEMAND_ACTIVE_PDU');
  const shareId = r.u32le();
  const descriptorLength = r.u16le();
  const combinedLength = r.u16le();
  const sourceDescriptor = r.ascii(descriptorLength);
  const capabilitySets = readCapabilities(r, combinedLength);
  const sessionId = r.remaining >= 4 ? r.u32le() : 0;
  return { shareId, sourceDescriptor, capabilitySets, sessionId };
}

export function encodeConfirmActive(c: ConfirmActive): Uint8Array {
  const caps = encodeCapabilitySets(c.capabilitySets);
  const w = new ByteWriter(caps.byteLength + 32);
  w.u32le(c.shareId)
    .u16le(c.originatorId)
    .u16le(c.sourceDescriptor.length + 1)
    .u16le(caps.byteLength + 4);
  writeDescriptor(w, c.sourceDescriptor);
  w.u16le(c.capabilitySets.length).u16le(0).bytes(caps);
  return w.toBytes();
}

export function decodeConfirmActive(bytes: Uint8Array): ConfirmActive {
  const r = new ByteReader(bytes, 'TS_CONFIRM_ACTIVE_PDU');
  const shareId = r.u32le();
  const originatorId = r.u16le();
  const descriptorLength = r.u16le();
  const combinedLength = r.u16le();
  const sourceDescriptor = r.ascii(descriptorLength);
  return { shareId, originatorId, sourceDescriptor, capabilitySets: readCapabilities(r, combinedLength) };
}

export function encodeDeactivateAll(d: DeactivateAll): Uint8Array {
  const w = new ByteWriter(16);
  w.u32le(d.shareId).u16le(d.sourceDescriptor.length + 1);
  writeDescriptor(w, d.sourceDescriptor);
  return w.toBytes();
}

export function decodeDeactivateAll(bytes: Uint8Array): DeactivateAll {
  const r = new ByteReader(bytes, 'TS_DEACTIVATE_ALL_PDU');
  const shareId = r.u32le();
  // The descriptor is optional in practice: some servers send only the shareId.
  const sourceDescriptor = r.remaining >= 2 ? r.ascii(Math.min(r.u16le(), r.remaining)) : '';
  return { shareId, sourceDescriptor };
}
