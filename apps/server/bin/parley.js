#!/usr/bin/env node
// Runs the TypeScript sources through tsx's loader, so `npm start` works right after
// `npm install` with no build step (see docs/decisions/0001-run-through-tsx.md).
import { register } from 'tsx/esm/api';

register();
await import('../src/cli/main.ts');
