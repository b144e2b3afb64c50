/**
 * Deleting an account waits until its address is typed out: spaces around it and letter case
 * do not matter (addresses compare case-insensitively), anything else must match.
 */
export function confirmsDeletion(typed: string, email: string): boolean {
  return typed.trim().toLowerCase() === email.trim().toLowerCase();
}
