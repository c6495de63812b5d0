import { describe, expect, it } from 'vitest';
import { WIDGET_BUDGET_GZIP_BYTES, buildWidget } from './build.js';

describe('buildWidget', () => {
  it('bundles the widget under its gzip budget, defining window.Parley', async () => {
    const widget = await buildWidget();
    expect(widget.gzipBytes).toBeGreaterThan(0);
    expect(widget.gzipBytes).toBeLessThan(WIDGET_BUDGET_GZIP_BYTES);
    expect(widget.bytes).toBe(Buffer.byteLength(widget.code));
    expect(widget.code).toContain('Parley');
    // Only the runtime-free protocol modules may be bundled: zod would triple the size.
    expect(widget.code).not.toMatch(/ZodError|zod/i);
  });
});
