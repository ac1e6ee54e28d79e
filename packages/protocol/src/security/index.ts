export * from './crypto-provider.js';
