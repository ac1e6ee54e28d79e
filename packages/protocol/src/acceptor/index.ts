export * from './acceptor.js';
export * from './acceptor-host.js';
export * from './active-stage.js';
export * from './connection-sequence.js';
export * from './server-capabilities.js';
export * from './server-finalization.js';
export type { PendingRdpSecurity } from './server-security.js';
export * from './slow-path-update.js';
