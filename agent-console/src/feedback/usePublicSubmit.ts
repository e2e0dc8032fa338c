import { useState } from 'react';
import { errorMessage } from '../api/problem';
import { useI18n } from '../i18n';

/**
 * A citizen form's one request: busy while it runs, the answer when it worked, and otherwise the
 * server's own message in the citizen's language (e.g. RATING_ALREADY_SUBMITTED).
 */
export function usePublicSubmit<T>() {
  const { locale } = useI18n();
  const [done, setDone] = useState<T | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const run = async (request: () => Promise<{ data: T }>) => {
    setBusy(true);
    setError(null);
    try {
      setDone((await request()).data);
    } catch (e) {
      setError(errorMessage(e, locale));
    } finally {
      setBusy(false);
    }
  };
  return { done, error, busy, run };
}
