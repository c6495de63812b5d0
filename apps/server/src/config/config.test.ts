import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadConfig } from './config.js';

describe('configuration', () => {
  it('has working defaults: port 3000, SQLite under ./data, in-process jobs and bus', () => {
    const config = loadConfig({});
    expect(config.port).toBe(3000);
    expect(config.host).toBe('0.0.0.0');
    expect(config.dataDir).toBe(path.resolve('data'));
    expect(config.databaseUrl).toBe(`sqlite:${path.resolve('data', 'parley.db')}`);
    expect(config.redisUrl).toBeUndefined();
    expect(config.publicUrl).toBe('http://localhost:3000');
  });

  it('reads every documented variable', () => {
    const config = loadConfig({
      PORT: '8080',
      HOST: '127.0.0.1',
      PUBLIC_URL: 'https://chat.example.com/',
      DATABASE_URL: 'postgres://u:p@db/parley',
      REDIS_URL: 'redis://cache:6379',
      PARLEY_SECRET_KEY: 'k'.repeat(32),
      LOG_LEVEL: 'debug',
      PARLEY_CORS_ORIGINS: 'https://a.example, https://b.example',
    });
    expect(config).toMatchObject({
      port: 8080,
      host: '127.0.0.1',
      publicUrl: 'https://chat.example.com',
      databaseUrl: 'postgres://u:p@db/parley',
      redisUrl: 'redis://cache:6379',
      logLevel: 'debug',
      corsOrigins: ['https://a.example', 'https://b.example'],
    });
  });

  it.each([
    [{ PORT: 'eighty' }, /^Invalid configuration: PORT /],
    [{ DATABASE_URL: 'mysql://x' }, /^Invalid configuration: DATABASE_URL must start with sqlite:/],
    [{ REDIS_URL: 'http://x' }, /^Invalid configuration: REDIS_URL must start with redis:\/\//],
    [
      { PARLEY_SECRET_KEY: 'short' },
      /^Invalid configuration: PARLEY_SECRET_KEY must be at least 32 characters/,
    ],
    [{ LOG_LEVEL: 'loud' }, /^Invalid configuration: LOG_LEVEL /],
    [{ PARLEY_BOOTSTRAP_EMAIL: 'nope' }, /^Invalid configuration: PARLEY_BOOTSTRAP_EMAIL /],
  ])('refuses %o with one line naming the variable', (env, message) => {
    expect(() => loadConfig(env)).toThrow(message);
  });

  it('treats an empty variable as unset, as .env files write it', () => {
    expect(loadConfig({ PORT: '', REDIS_URL: '' })).toMatchObject({
      port: 3000,
      redisUrl: undefined,
    });
  });
});
