export * from './channel-table.js';
export * from './frame-reader.js';
export * from './security-layer.js';
