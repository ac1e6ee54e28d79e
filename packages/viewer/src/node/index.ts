export { nativeH264Decoder } from './native-h264-decoder.js';
export { nodeCryptoProvider } from './node-crypto.js';
export {
  type ReverseConnectListener,
  type ReverseConnectOptions,
  startReverseConnectListener,
} from './reverse-connect-listener.js';
export { streamTransport } from './stream-transport.js';
export { type TcpTransportOptions, tcpTransport } from './tcp-transport.js';
