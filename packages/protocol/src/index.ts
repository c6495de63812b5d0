export * from './message.js';
export * from './native-api.js';
