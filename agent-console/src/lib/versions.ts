/** The newer of two copies of a ticket by its version (bumped by every event on the server). */
export function newest<T extends { version: number }>(a: T | null | undefined, b: T | null | undefined): T | undefined {
  if (!a) return b ?? undefined;
  if (!b) return a;
  return a.version > b.version ? a : b;
}
