import { ByteReader } from '../core/byte-reader.js';
import { ByteWriter } from '../core/byte-writer.js';
import { ProtocolError } from '../core/errors.js';

/** LICENSE_PREAMBLE.bMsgType (2.2.1.12.1.1). */
export const LicenseMessageType = {
  LICENSE_REQUEST: 0x01,
  PLATFORM_CHALLENGE: 0x02,
  NEW_LICENSE: 0x03,
  UPGRADE_LICENSE: 0x04,
  LICENSE_INFO: 0x12,
  NEW_LICENSE_REQUEST: 0x13,
  PLATFORM_CHALLENGE_RESPONSE: 0x15,
  ERROR_ALERT: 0xff,
} as const;

/** LICENSE_PREAMBLE.flags (2.2.1.12.1.1). */
export const LicensePreambleFlag = { PREAMBLE_VERSION_3_0: 0x03, EXTENDED_ERROR_MSG_SUPPORTED: 0x80 } as const;

/** LICENSE_ERROR_MESSAGE.dwErrorCode ([MS-RDPELE] 2.2.2.7.1). */
export const LicenseErrorCode = {
  ERR_INVALID_SERVER_CERTIFICATE: 0x01,
  ERR_NO_LICENSE: 0x02,
  ERR_INVALID_SCOPE: 0x04,
  ERR_NO_LICENSE_SERVER: 0x06,
  STATUS_VALID_CLIENT: 0x07,
  ERR_INVALID_CLIENT: 0x08,
  ERR_INVALID_PRODUCTID: 0x0b,
  ERR_INVALID_MESSAGE_LEN: 0x0c,
  ERR_INVALID_MAC: 0x03,
} as const;

/** LICENSE_ERROR_MESSAGE.dwStateTransition ([MS-RDPELE] 2.2.2.7.1). */
export const LicenseStateTransition = {
  ST_TOTAL_ABORT: 1,
  ST_NO_TRANSITION: 2,
  ST_RESET_PHASE_TO_START: 3,
  ST_RESEND_LAST_MESSAGE: 4,
} as const;

const BB_ERROR_BLOB = 0x0004;

/** A licensing PDU (2.2.1.12): the error alert decoded, every other message kept raw. */
export type LicensingPdu =
  | {
      msgType: typeof LicenseMessageType.ERROR_ALERT;
      flags: number;
      errorCode: number;
      stateTransition: number;
      errorInfo: Uint8Array;
    }
  | { msgType: number; flags: number; body: Uint8Array };

/** Encodes a License Error (ERROR_ALERT) message with its preamble; `errorInfo` defaults to an empty blob. */
export function encodeLicenseError(
  errorCode: number,
  stateTransition: number,
  errorInfo: Uint8Array = new Uint8Array(0),
  flags: number = LicensePreambleFlag.PREAMBLE_VERSION_3_0,
): Uint8Array {
  const size = 4 + 8 + 4 + errorInfo.byteLength;
  return new ByteWriter(size)
    .u8(LicenseMessageType.ERROR_ALERT)
    .u8(flags)
    .u16le(size)
    .u32le(errorCode)
    .u32le(stateTransition)
    .u16le(BB_ERROR_BLOB)
    .u16le(errorInfo.byteLength)
    .bytes(errorInfo)
    .toBytes();
}

/**
 * The License Error PDU "valid client" that ends licensing at once (2.2.1.12.1.3, 4.1.12 example):
 * ERROR_ALERT, STATUS_VALID_CLIENT, ST_NO_TRANSITION, empty error blob.
 */
export function encodeLicenseValidClient(): Uint8Array {
  return encodeLicenseError(LicenseErrorCode.STATUS_VALID_CLIENT, LicenseStateTransition.ST_NO_TRANSITION);
}

/** Decodes a licensing PDU (the payload after the security header). */
export function decodeLicensingPdu(bytes: Uint8Array): LicensingPdu {
  const pdu = 'licensing PDU';
  const r = new ByteReader(bytes, pdu);
  const msgType = r.u8();
  const flags = r.u8();
  const size = r.u16le();
  if (size < 4 || size > bytes.byteLength)
    throw new ProtocolError('INVALID', `wMsgSize ${size} for ${bytes.byteLength} bytes`, pdu);
  const body = r.sub(size - 4);
  if (msgType !== LicenseMessageType.ERROR_ALERT) return { msgType, flags, body: body.rest().slice() };
  const errorCode = body.u32le();
  const stateTransition = body.u32le();
  body.u16le();
  const errorInfo = body.bytesView(body.u16le()).slice();
  return { msgType, flags, errorCode, stateTransition, errorInfo };
}
