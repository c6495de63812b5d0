export * from './native-api.js';
