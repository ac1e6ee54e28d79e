export * from './byte-reader.js';
export * from './byte-writer.js';
export * from './errors.js';
