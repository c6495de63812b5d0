import { mkdirSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { WIDGET_BUDGET_GZIP_BYTES, buildWidget } from './build.js';

/** `npm run build:widget`: writes dist/widget.js and fails when it is over the size budget. */

const kb = (bytes: number): string => (bytes / 1024).toFixed(1);

const widget = await buildWidget();
const dist = fileURLToPath(new URL('../dist/', import.meta.url));
mkdirSync(dist, { recursive: true });
writeFileSync(`${dist}widget.js`, widget.code);
console.log(
  `widget.js: ${kb(widget.bytes)} KB (${kb(widget.gzipBytes)} KB gzipped, budget ${WIDGET_BUDGET_GZIP_BYTES / 1024} KB)`,
);
if (widget.gzipBytes > WIDGET_BUDGET_GZIP_BYTES) {
  console.error('widget.js is over its size budget');
  process.exitCode = 1;
}
