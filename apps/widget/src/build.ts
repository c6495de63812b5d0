import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { build } from 'esbuild';

/**
 * Bundles the browser widget (`/widget.js`) from source. The server calls it once at start-up
 * and serves the result from memory, so the bundle can never be stale or missing; the CLI
 * (`npm run build:widget`) uses it to check the size budget.
 */

/** The most the widget may weigh on the wire: it loads on every page of a customer's site. */
export const WIDGET_BUDGET_GZIP_BYTES = 60 * 1024;

export interface WidgetBuild {
  readonly code: string;
  /** Size of `code` in UTF-8 bytes. */
  readonly bytes: number;
  /** Size of `code` gzipped at the default level, what a browser downloads. */
  readonly gzipBytes: number;
}

// Through `../src/` so the path holds whether this runs from src/ (tsx) or a compiled dist/.
const ENTRY = fileURLToPath(new URL('../src/main.tsx', import.meta.url));

export async function buildWidget(options: { minify?: boolean } = {}): Promise<WidgetBuild> {
  const result = await build({
    entryPoints: [ENTRY],
    write: false,
    bundle: true,
    format: 'iife',
    target: 'es2020',
    platform: 'browser',
    jsx: 'automatic',
    jsxImportSource: 'preact',
    minify: options.minify ?? true,
    legalComments: 'none',
    // ASCII output (non-ASCII escaped): a host page without a charset would otherwise
    // decode the bundle as Windows-1252 and mangle every "…" and "—".
    charset: 'ascii',
    logLevel: 'silent',
  });
  const file = result.outputFiles[0];
  if (file === undefined) throw new Error('esbuild produced no output for the widget');
  const code = file.text;
  return { code, bytes: file.contents.byteLength, gzipBytes: gzipSync(file.contents).byteLength };
}
