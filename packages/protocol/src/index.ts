export * from './acceptor/index.js';
export * from './channels/index.js';
export * from './codecs/index.js';
export * from './connection/index.js';
export * from './core/index.js';
export * from './data/index.js';
export * from './security/index.js';
export * from './ticket/index.js';
