import fs from 'node:fs';

/**
 * Loads `.env` from the working directory when present. Values already in the process
 * environment win, as with dotenv. Uses Node's own parser (20.12+), no dependency.
 */
export function loadEnvFile(file = '.env'): void {
  if (!fs.existsSync(file)) return;
  process.loadEnvFile(file);
}
