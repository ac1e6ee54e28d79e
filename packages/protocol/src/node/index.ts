// The Node-only entry, `@rdshare/protocol/node`: implementations of what the browser-pure main entry has injected.
export { generateRsaKeyPair, nodeCryptoProvider, type RsaKeyPair } from './node-crypto.js';
