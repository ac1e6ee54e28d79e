export * from './acceptor.js';
export * from './acceptor-host.js';
export * from './server-capabilities.js';
export * from './slow-path-update.js';
