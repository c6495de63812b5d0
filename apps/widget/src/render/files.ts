/** File helpers for media and uploads: readable sizes and the `accept` check. */

export function formatBytes(bytes: number): string {
  const units = ['B', 'KB', 'MB', 'GB'];
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit += 1;
  }
  const digits = unit === 0 || value >= 10 ? 0 : 1;
  return `${value.toFixed(digits)} ${units[unit] ?? 'B'}`;
}

/**
 * Whether a file's MIME type matches an accept list of `type/subtype`, `type/*` or `*\/*`
 * (the server's rule). A file whose type the browser does not know is left to the server.
 */
export function acceptsType(patterns: readonly string[], mime: string): boolean {
  if (patterns.length === 0 || mime === '') return true;
  const [type, subtype] = mime.split(';')[0]?.trim().toLowerCase().split('/') ?? [];
  return patterns.some((pattern) => {
    const [wantType, wantSub] = pattern.toLowerCase().split('/');
    if (wantType === '*') return true;
    return wantType === type && (wantSub === '*' || wantSub === subtype);
  });
}
