export * from './event-catalogue.js';
export * from './event-hub.js';
export * from './policies.js';
