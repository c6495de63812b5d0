import fs from 'node:fs';
import path from 'node:path';
import { randomBytes } from 'node:crypto';

export const SECRET_KEY_FILE = 'secret.key';

/**
 * The master secret: `PARLEY_SECRET_KEY` when set, else `data/secret.key`, created with
 * owner-only permissions on first start. Losing it makes stored channel secrets unreadable,
 * so the README tells operators to back it up with the database.
 */
export function resolveSecretKey(
  configured: string | undefined,
  dataDir: string,
): { key: string; generated: boolean } {
  if (configured !== undefined) return { key: configured, generated: false };
  const file = path.join(dataDir, SECRET_KEY_FILE);
  if (fs.existsSync(file)) return { key: fs.readFileSync(file, 'utf8').trim(), generated: false };
  fs.mkdirSync(dataDir, { recursive: true });
  const key = randomBytes(32).toString('base64url');
  // 'wx' fails if another process created the file first; then we read theirs.
  try {
    fs.writeFileSync(file, `${key}\n`, { mode: 0o600, flag: 'wx' });
    return { key, generated: true };
  } catch {
    return { key: fs.readFileSync(file, 'utf8').trim(), generated: false };
  }
}
