export * from './message.js';
export * from './native-api.js';
export * from './widget.js';
