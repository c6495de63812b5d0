/** A unique constraint refused the write (better-sqlite3 and node-postgres spell it apart). */
export function isUniqueViolation(error: unknown): boolean {
  if (typeof error !== 'object' || error === null || !('code' in error)) return false;
  return error.code === 'SQLITE_CONSTRAINT_UNIQUE' || error.code === '23505';
}

/**
 * Runs `write`, turning a unique constraint's refusal into `taken()`: the answer a
 * check-then-write gives when two writers both passed the check at once (a double-clicked
 * "Create"), and the second one's insert met the first one's row.
 */
export async function unlessTaken<T>(write: () => Promise<T>, taken: () => Error): Promise<T> {
  try {
    return await write();
  } catch (error) {
    if (isUniqueViolation(error)) throw taken();
    throw error;
  }
}

/**
 * Runs a check-then-write once more if a unique constraint refused it: two writers passed
 * the check at once, and the loser's second run sees the winner's row and answers as it
 * would have had it come second (already exists, or updates that row).
 */
export async function againIfRaced<T>(work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    if (!isUniqueViolation(error)) throw error;
  }
  return work();
}
