/** Encryption methods of Standard RDP Security, as bit flags in CS_SECURITY / SC_SECURITY (MS-RDPBCGR 2.2.1.3.3). */
export const EncryptionMethod = {
  NONE: 0x00000000,
  BIT_40: 0x00000001,
  BIT_128: 0x00000002,
  BIT_56: 0x00000008,
  FIPS: 0x00000010,
} as const;
export type EncryptionMethod = (typeof EncryptionMethod)[keyof typeof EncryptionMethod];

/** Encryption levels of the Server Security Data (MS-RDPBCGR 2.2.1.4.3, 5.3.1). */
export const EncryptionLevel = {
  NONE: 0,
  /** Only client-to-server traffic is encrypted. */
  LOW: 1,
  CLIENT_COMPATIBLE: 2,
  HIGH: 3,
  FIPS: 4,
} as const;
export type EncryptionLevel = (typeof EncryptionLevel)[keyof typeof EncryptionLevel];

/** Strongest first; FIPS is handled apart because it is only used when the server asks for it. */
const RC4_METHODS_BY_STRENGTH = [EncryptionMethod.BIT_128, EncryptionMethod.BIT_56, EncryptionMethod.BIT_40] as const;

/**
 * Picks the method the server announces in SC_SECURITY (MS-RDPBCGR 5.3.2): FIPS when the server allows it and
 * the client supports it, otherwise the strongest RC4 method both support. French-locale clients put their
 * methods in `extEncryptionMethods` with `encryptionMethods` zero (2.2.1.3.3), so both are honoured.
 * `serverAllowed` NONE means the server wants no encryption. Returns undefined when nothing is common, in which
 * case the server must close the connection (5.3.2.1).
 */
export function chooseEncryptionMethod(
  clientMethods: number,
  clientExtMethods: number | undefined,
  serverAllowed: number,
): EncryptionMethod | undefined {
  if (serverAllowed === EncryptionMethod.NONE) return EncryptionMethod.NONE;
  const common = (clientMethods | (clientExtMethods ?? 0)) & serverAllowed;
  if (common & EncryptionMethod.FIPS) return EncryptionMethod.FIPS;
  return RC4_METHODS_BY_STRENGTH.find((m) => common & m);
}

/** The level a server announces with `method` when it encrypts both directions (5.3.1, 5.3.6 table). */
export function encryptionLevelFor(method: EncryptionMethod): EncryptionLevel {
  if (method === EncryptionMethod.NONE) return EncryptionLevel.NONE;
  if (method === EncryptionMethod.FIPS) return EncryptionLevel.FIPS;
  return EncryptionLevel.CLIENT_COMPATIBLE;
}
