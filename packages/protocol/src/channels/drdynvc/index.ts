export * from './dvc-client-manager.js';
export * from './dvc-fragments.js';
export * from './dvc-pdu.js';
export * from './dvc-server-manager.js';
