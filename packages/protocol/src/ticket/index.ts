export * from './connection-string.js';
