import type { ClientData } from '../connection/client-data.js';
import { ProtocolError } from '../core/errors.js';
import { decryptClientRandom } from '../security/client-random.js';
import type { CryptoProvider } from '../security/crypto-provider.js';
import { chooseEncryptionMethod, EncryptionMethod, encryptionLevelFor } from '../security/encryption-method.js';
import { RdpSecurityContext } from '../security/rdp-security.js';
import { decodeSecurityExchange } from '../security/security-exchange.js';
import { SecurityLayerCodec } from '../transport/security-layer.js';
import type { RdpSecurityOptions } from './acceptor-host.js';

/** RC4 with 40- or 56-bit keys: only when the server allows weak encryption. */
const WEAK_RC4_METHODS = EncryptionMethod.BIT_40 | EncryptionMethod.BIT_56;
/** SC_SECURITY.serverRandom is 32 bytes (MS-RDPBCGR 2.2.1.4.3). */
const SERVER_RANDOM_LENGTH = 32;

/** Standard RDP Security as chosen at MCS Connect, waiting for the client's Security Exchange PDU. */
export interface PendingRdpSecurity {
  method: EncryptionMethod;
  serverRandom: Uint8Array;
}

/** The SC_SECURITY fields of the Server Security Data (2.2.1.4.3). */
export interface ServerSecurityData {
  encryptionMethod: number;
  encryptionLevel: number;
  serverRandom?: Uint8Array;
  serverCertificate?: Uint8Array;
}

/**
 * Picks the Standard RDP Security method for a client's CS_SECURITY (MS-RDPBCGR 5.3.2) and draws the server
 * random: 128-bit RC4, FIPS when configured and the crypto provider can do it, 40- and 56-bit RC4 only with
 * `allowWeakRc4`, and FIPS alone with `fipsOnly`.
 */
export function negotiateRdpSecurity(
  client: ClientData['security'],
  rdp: RdpSecurityOptions,
  crypto: CryptoProvider,
): { pending: PendingRdpSecurity; serverData: ServerSecurityData } {
  const fipsOnly = rdp.fipsOnly === true;
  const fipsCapable = (rdp.fips === true || fipsOnly) && crypto.des3Cbc !== undefined && crypto.hmacSha1 !== undefined;
  const weak = rdp.allowWeakRc4 === true && !fipsOnly ? WEAK_RC4_METHODS : 0;
  const rc4 = fipsOnly ? 0 : EncryptionMethod.BIT_128 | weak;
  const allowed = rc4 | (fipsCapable ? EncryptionMethod.FIPS : 0);
  const offered = (client?.encryptionMethods ?? 0) | (client?.extEncryptionMethods ?? 0);
  const method = chooseEncryptionMethod(client?.encryptionMethods ?? 0, client?.extEncryptionMethods, allowed);
  if (method === undefined || method === EncryptionMethod.NONE) {
    const onlyWeak = (offered & WEAK_RC4_METHODS) !== 0 && weak === 0;
    throw new ProtocolError(
      'UNSUPPORTED',
      fipsOnly
        ? `the client does not offer FIPS encryption (methods 0x${offered.toString(16)}), which rdp.fipsOnly requires`
        : onlyWeak
          ? `the client offers only 40- or 56-bit RC4 (methods 0x${offered.toString(16)}), refused unless rdp.allowWeakRc4 is set`
          : `no encryption method in common with the client (methods 0x${offered.toString(16)})`,
      'TS_UD_CS_SEC',
    );
  }
  const serverRandom = crypto.randomBytes(SERVER_RANDOM_LENGTH);
  return {
    pending: { method, serverRandom },
    serverData: {
      encryptionMethod: method,
      encryptionLevel: encryptionLevelFor(method),
      serverRandom,
      serverCertificate: rdp.certificate,
    },
  };
}

/** The server side of the Security Exchange (5.3.4): decrypts the client random and derives the session keys. */
export function acceptSecurityExchange(
  data: Uint8Array,
  pending: PendingRdpSecurity,
  rdp: RdpSecurityOptions,
  crypto: CryptoProvider,
): SecurityLayerCodec {
  const exchange = decodeSecurityExchange(data);
  const clientRandom = decryptClientRandom(exchange.encryptedClientRandom, rdp.key);
  const context = new RdpSecurityContext({
    role: 'server',
    method: pending.method,
    clientRandom,
    serverRandom: pending.serverRandom,
    crypto,
  });
  return SecurityLayerCodec.rdp(context, pending.method);
}
