import { ProtocolError } from '../core/errors.js';
import type { CryptoProvider } from '../security/crypto-provider.js';
import { type InvitationKeyHashes, invitationKeyHashes } from '../security/invitation-key-hash.js';

/** The only KH2 hash algorithm a CryptoProvider offers; sha384/sha512 pins fall back to KH. */
const KH2_SHA256_PREFIX = 'sha256:';
/** The pdu of the ProtocolError a failed pin raises, so drivers can tell it from other SECURITY errors. */
export const KEY_PIN_PDU = 'invitation key hash';

/**
 * Checks the sharer's RSA_PUBLIC_KEY blob against the invitation's pins ([MS-RAI] 2.2.2): KH2 when the viewer can
 * compute its algorithm, else KH. Pins given but none checkable, or a hash that differs, raise SECURITY: a viewer
 * never talks to a server whose key the invitation does not name. No pins at all (a reverse-connect string) is
 * accepted: there is nothing to compare with.
 */
export function verifyServerKey(
  publicKeyBlob: Uint8Array | undefined,
  pins: Partial<InvitationKeyHashes> | undefined,
  crypto: Pick<CryptoProvider, 'sha1' | 'sha256'>,
): void {
  if (!pins || (pins.kh === undefined && pins.kh2 === undefined)) return;
  if (!publicKeyBlob) throw new ProtocolError('SECURITY', 'the server offered no RSA key to check', KEY_PIN_PDU);
  const actual = invitationKeyHashes(publicKeyBlob, crypto);
  if (pins.kh2?.toLowerCase().startsWith(KH2_SHA256_PREFIX)) {
    const expected = pins.kh2.slice(KH2_SHA256_PREFIX.length);
    if (expected !== actual.kh2.slice(KH2_SHA256_PREFIX.length))
      throw new ProtocolError('SECURITY', 'the server key does not match the invitation (KH2)', KEY_PIN_PDU);
    return;
  }
  if (pins.kh === undefined)
    throw new ProtocolError(
      'SECURITY',
      `KH2 "${pins.kh2}" uses a hash this viewer cannot compute and KH is absent`,
      KEY_PIN_PDU,
    );
  if (pins.kh !== actual.kh)
    throw new ProtocolError('SECURITY', 'the server key does not match the invitation (KH)', KEY_PIN_PDU);
}
