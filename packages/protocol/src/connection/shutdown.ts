/**
 * Shutdown Request (2.2.2.2.1) and Shutdown Request Denied (2.2.2.3.1) have empty bodies: the PDU is only
 * its share data header, so these are the bodies to pass to `encodeDataPdu`.
 */
export function encodeShutdownRequest(): Uint8Array {
  return new Uint8Array(0);
}

export function encodeShutdownDenied(): Uint8Array {
  return new Uint8Array(0);
}
