export { nodeCryptoProvider } from './node-crypto.js';
export { type TcpTransportOptions, tcpTransport } from './tcp-transport.js';
