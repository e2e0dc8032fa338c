import { drafts } from './drafts';

// What one person leaves in this browser tab or its storage: a desk PC is shared between shifts.
const resets = new Set<() => void>();
/** Keys in localStorage that belong to the person logged in (the language and a citizen's receipt do not). */
const PERSONAL_KEYS = ['rexian.presence'];

/** A module cache of server answers read under the session (units, regions, categories) registers its reset here. */
export function onSessionEnd(reset: () => void) {
  resets.add(reset);
}

/**
 * Logout, or the server saying the session is gone: drafts, the agent's presence and every cached
 * answer go, so the next person on this PC starts from nothing of the previous one's.
 */
export function endSession() {
  drafts.clearAll();
  for (const k of PERSONAL_KEYS) {
    try {
      localStorage.removeItem(k);
    } catch {
      // storage unavailable (privacy mode): nothing was kept there either
    }
  }
  for (const r of resets) r();
}
