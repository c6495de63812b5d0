// Helpers the knowledge-base benchmark's phases share (see bench-kb.ts).
import { hashedEmbedding } from '../../testing/fakes/openai-server.js';
import type { Embedder } from '../training/index-chunks.js';

const env = process.env;

export function whole(name: string, fallback: number): number {
  const value = Number(env[name] ?? fallback);
  if (!Number.isInteger(value) || value <= 0) throw new Error(`${name} must be a positive integer`);
  return value;
}

export function log(message: string): void {
  process.stderr.write(`${message}\n`);
}

export interface Percentiles {
  readonly count: number;
  readonly mean: number;
  readonly p50: number;
  readonly p95: number;
  readonly p99: number;
  readonly max: number;
}

export function percentiles(samples: readonly number[]): Percentiles {
  const sorted = [...samples].sort((a, b) => a - b);
  const at = (q: number) =>
    sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)] ?? 0;
  const mean = sorted.reduce((sum, value) => sum + value, 0) / Math.max(1, sorted.length);
  return {
    count: sorted.length,
    mean,
    p50: at(0.5),
    p95: at(0.95),
    p99: at(0.99),
    max: sorted.at(-1) ?? 0,
  };
}

export const fakeEmbedder: Embedder = {
  model: 'fake-hashed-bow-256',
  embed: (texts) => Promise.resolve(texts.map((text) => Float32Array.from(hashedEmbedding(text)))),
};
