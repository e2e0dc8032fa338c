import { useCallback, useState } from 'react';

const KEY = 'rexian.elder';

/** 长辈版 on or off, remembered on this device (localStorage) so the next visit opens the same way. */
export function useElderMode(): [boolean, (on: boolean) => void] {
  const [on, setOn] = useState(() => {
    try {
      return localStorage.getItem(KEY) === '1';
    } catch {
      return false;
    }
  });
  const set = useCallback((v: boolean) => {
    try {
      localStorage.setItem(KEY, v ? '1' : '0');
    } catch {
      // Private mode without storage: the switch still works for this visit.
    }
    setOn(v);
  }, []);
  return [on, set];
}
