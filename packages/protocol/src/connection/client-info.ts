import { ByteReader } from '../core/byte-reader.js';
import { ByteWriter } from '../core/byte-writer.js';
import { ProtocolError } from '../core/errors.js';

/** TS_INFO_PACKET.flags (2.2.1.11.1.1). */
export const InfoFlag = {
  MOUSE: 0x00000001,
  DISABLECTRLALTDEL: 0x00000002,
  AUTOLOGON: 0x00000008,
  UNICODE: 0x00000010,
  MAXIMIZESHELL: 0x00000020,
  LOGONNOTIFY: 0x00000040,
  COMPRESSION: 0x00000080,
  ENABLEWINDOWSKEY: 0x00000100,
  REMOTECONSOLEAUDIO: 0x00002000,
  FORCE_ENCRYPTED_CS_PDU: 0x00004000,
  RAIL: 0x00008000,
  LOGONERRORS: 0x00010000,
  MOUSE_HAS_WHEEL: 0x00020000,
  PASSWORD_IS_SC_PIN: 0x00040000,
  NOAUDIOPLAYBACK: 0x00080000,
  USING_SAVED_CREDS: 0x00100000,
  AUDIOCAPTURE: 0x00200000,
  VIDEO_DISABLE: 0x00400000,
  HIDEF_RAIL_SUPPORTED: 0x02000000,
} as const;

/** TS_EXTENDED_INFO_PACKET (2.2.1.11.1.1.1); fields after clientDir are optional on the wire. */
export interface ExtendedClientInfo {
  clientAddressFamily: number;
  clientAddress: string;
  clientDir: string;
  /** TS_TIME_ZONE_INFORMATION, kept raw (172 bytes). */
  clientTimeZone?: Uint8Array;
  clientSessionId?: number;
  performanceFlags?: number;
  autoReconnectCookie?: Uint8Array;
  dynamicDstTimeZoneKeyName?: string;
  dynamicDaylightTimeDisabled?: boolean;
}

/**
 * TS_INFO_PACKET (2.2.1.11.1.1). For Windows Desktop Sharing, userName is the viewer's name, password is
 * `*`, alternateShell carries the invitation password and workingDir the invitation's auth string.
 */
export interface ClientInfo {
  codePage: number;
  flags: number;
  domain: string;
  userName: string;
  password: string;
  alternateShell: string;
  workingDir: string;
  extended?: ExtendedClientInfo;
}

const TIME_ZONE_LENGTH = 172;
const AUTO_RECONNECT_COOKIE_MAX = 28;

function stringBytes(s: string, unicode: boolean): number {
  return unicode ? s.length * 2 : s.length;
}

/** Encodes a TS_INFO_PACKET; strings are UTF-16 when INFO_UNICODE is set, 8-bit otherwise. */
export function encodeClientInfo(info: ClientInfo): Uint8Array {
  const unicode = (info.flags & InfoFlag.UNICODE) !== 0;
  const fields = [info.domain, info.userName, info.password, info.alternateShell, info.workingDir];
  const w = new ByteWriter(512);
  w.u32le(info.codePage).u32le(info.flags);
  for (const f of fields) {
    const n = stringBytes(f, unicode);
    if (n > 0xfffd) throw new ProtocolError('OVERSIZE', 'string too long', 'TS_INFO_PACKET');
    w.u16le(n);
  }
  for (const f of fields) {
    if (unicode) w.utf16(f, { nul: true });
    else w.ascii(`${f}\0`);
  }
  const x = info.extended;
  if (x) {
    w.u16le(x.clientAddressFamily)
      .u16le((x.clientAddress.length + 1) * 2)
      .utf16(x.clientAddress, { nul: true });
    w.u16le((x.clientDir.length + 1) * 2).utf16(x.clientDir, { nul: true });
    if (x.clientTimeZone !== undefined) {
      if (x.clientTimeZone.byteLength !== TIME_ZONE_LENGTH)
        throw new ProtocolError('INVALID', 'clientTimeZone must be 172 bytes', 'TS_EXTENDED_INFO_PACKET');
      w.bytes(x.clientTimeZone)
        .u32le(x.clientSessionId ?? 0)
        .u32le(x.performanceFlags ?? 0);
      const cookie = x.autoReconnectCookie ?? new Uint8Array(0);
      w.u16le(cookie.byteLength).bytes(cookie);
      if (x.dynamicDstTimeZoneKeyName !== undefined) {
        w.u16le(0)
          .u16le(0)
          .u16le(x.dynamicDstTimeZoneKeyName.length * 2)
          .utf16(x.dynamicDstTimeZoneKeyName);
        w.u16le(x.dynamicDaylightTimeDisabled ? 1 : 0);
      }
    }
  }
  return w.toBytes();
}

function readField(r: ByteReader, cb: number, unicode: boolean): string {
  const s = unicode ? r.utf16(cb) : r.ascii(cb);
  r.skip(unicode ? 2 : 1);
  return s;
}

/** Decodes a TS_INFO_PACKET (the payload after the security header). */
export function decodeClientInfo(bytes: Uint8Array): ClientInfo {
  const r = new ByteReader(bytes, 'TS_INFO_PACKET');
  const codePage = r.u32le();
  const flags = r.u32le();
  const unicode = (flags & InfoFlag.UNICODE) !== 0;
  const lengths = [r.u16le(), r.u16le(), r.u16le(), r.u16le(), r.u16le()];
  if (unicode && lengths.some((n) => n % 2 !== 0))
    throw new ProtocolError('INVALID', 'odd Unicode string length', r.pdu);
  const [domain, userName, password, alternateShell, workingDir] = lengths.map((n) => readField(r, n, unicode));
  const info: ClientInfo = { codePage, flags, domain, userName, password, alternateShell, workingDir };
  if (r.remaining >= 4) info.extended = readExtended(r);
  return info;
}

function readExtended(r: ByteReader): ExtendedClientInfo {
  const clientAddressFamily = r.u16le();
  const clientAddress = r.utf16(r.u16le());
  const clientDir = r.utf16(r.u16le());
  const x: ExtendedClientInfo = { clientAddressFamily, clientAddress, clientDir };
  if (r.remaining < TIME_ZONE_LENGTH + 8) return x;
  x.clientTimeZone = r.bytesView(TIME_ZONE_LENGTH).slice();
  x.clientSessionId = r.u32le();
  x.performanceFlags = r.u32le();
  if (r.remaining < 2) return x;
  const cookieLength = r.u16le();
  if (cookieLength > AUTO_RECONNECT_COOKIE_MAX)
    throw new ProtocolError('INVALID', `cbAutoReconnectCookie ${cookieLength}`, 'TS_EXTENDED_INFO_PACKET');
  if (cookieLength > 0) x.autoReconnectCookie = r.bytesView(cookieLength).slice();
  if (r.remaining < 6) return x;
  r.skip(4);
  x.dynamicDstTimeZoneKeyName = r.utf16(r.u16le());
  if (r.remaining >= 2) x.dynamicDaylightTimeDisabled = r.u16le() !== 0;
  return x;
}
