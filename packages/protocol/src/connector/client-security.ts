import type { ServerData } from '../connection/server-data.js';
import { ProtocolError } from '../core/errors.js';
import { encryptClientRandom, RANDOM_LENGTH } from '../security/client-random.js';
import type { CryptoProvider } from '../security/crypto-provider.js';
import { EncryptionMethod } from '../security/encryption-method.js';
import type { InvitationKeyHashes } from '../security/invitation-key-hash.js';
import { decodeProprietaryCertificate } from '../security/proprietary-certificate.js';
import { RdpSecurityContext } from '../security/rdp-security.js';
import { encodeSecurityExchange } from '../security/security-exchange.js';
import { SecurityLayerCodec } from '../transport/security-layer.js';
import { verifyServerKey } from './server-key-pin.js';

/** The client's half of Standard RDP Security: the layer to use and the Security Exchange PDU to send first. */
export interface ClientRdpSecurity {
  codec: SecurityLayerCodec;
  /** TS_SECURITY_PACKET (basic header included), absent when the server chose no encryption. */
  exchange?: Uint8Array;
}

const ENCRYPTING_METHODS = new Set<number>([
  EncryptionMethod.BIT_40,
  EncryptionMethod.BIT_56,
  EncryptionMethod.BIT_128,
  EncryptionMethod.FIPS,
]);

/**
 * Client side of MS-RDPBCGR 5.3.4: checks the server's proprietary certificate (its Terminal Services Signing
 * Key signature, then its key against the invitation's pins), makes a client random, encrypts it to the
 * server's key and derives the session keys. The pins are checked even when the server chose no encryption.
 */
export function clientRdpSecurity(
  server: ServerData['security'],
  pins: Partial<InvitationKeyHashes> | undefined,
  crypto: CryptoProvider,
): ClientRdpSecurity {
  const method = server?.encryptionMethod ?? EncryptionMethod.NONE;
  const certificate = server?.serverCertificate?.length
    ? decodeProprietaryCertificate(server.serverCertificate, crypto)
    : undefined;
  verifyServerKey(certificate?.publicKeyBlob, pins, crypto);
  if (method === EncryptionMethod.NONE) return { codec: SecurityLayerCodec.tls() };
  if (!ENCRYPTING_METHODS.has(method))
    throw new ProtocolError('INVALID', `encryption method 0x${method.toString(16)}`, 'TS_UD_SC_SEC1');
  if (!certificate || !server?.serverRandom || server.serverRandom.length !== RANDOM_LENGTH)
    throw new ProtocolError('INVALID', 'encryption without a server random and certificate', 'TS_UD_SC_SEC1');
  const clientRandom = crypto.randomBytes(RANDOM_LENGTH);
  const exchange = encodeSecurityExchange({
    flags: 0,
    encryptedClientRandom: encryptClientRandom(clientRandom, certificate.publicKey),
  });
  const context = new RdpSecurityContext({
    role: 'client',
    method: method as EncryptionMethod,
    clientRandom,
    serverRandom: server.serverRandom,
    crypto,
  });
  return { codec: SecurityLayerCodec.rdp(context, method as EncryptionMethod), exchange };
}
