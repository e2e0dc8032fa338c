import { App, Button } from 'antd';
import { useCallback, useEffect, useRef, useState } from 'react';
import { api } from '../api/endpoints';
import { ApiError, errorMessage } from '../api/problem';
import type { TicketDetail } from '../api/types';
import { useI18n } from '../i18n';

/** How long "签收" / "开始办理" can be taken back. */
export const UNDO_SECONDS = 5;

interface Pending {
  ticketId: string;
  action: string;
  timer: ReturnType<typeof setTimeout>;
  key: string;
}

/**
 * One-click actions with an undo window (签收, 开始办理): nothing reaches the server until the window
 * has passed, so "撤销" leaves no trace anywhere — no event, no notice to the centre, no report
 * counter to correct. Deferring was chosen over a server-side revert because a sign-for is seen at
 * once by others (the wall, the dispatcher's room, the 签收率 rollup): reverting it would need a
 * compensating event in each of them. If the page goes away inside the window, the action is sent
 * then (a keepalive request), never dropped: the clerk did not undo it. Ctrl+Z undoes while the
 * notice is up (not inside a text field, where Ctrl+Z is the field's own).
 */
export function useUndoableAction(onDone: (t: TicketDetail) => void, onStale?: () => void) {
  const { t, locale } = useI18n();
  const { message } = App.useApp();
  const pending = useRef<Pending | null>(null);
  // The button waits while its action is pending, so a second click cannot queue it twice.
  const [waiting, setWaiting] = useState<string | null>(null);
  const latest = useRef({ onDone, onStale });
  latest.current = { onDone, onStale };

  const send = useCallback(
    async (p: Pending, keepalive = false) => {
      try {
        const { data } = await api.act(p.ticketId, p.action, {}, { keepalive });
        if (!keepalive) latest.current.onDone(data);
      } catch (e) {
        if (keepalive) return;
        message.error(errorMessage(e, locale));
        if (e instanceof ApiError && e.status === 409) latest.current.onStale?.();
      }
    },
    [message, locale],
  );

  const flush = useCallback(
    (keepalive = false) => {
      const p = pending.current;
      if (!p) return;
      clearTimeout(p.timer);
      pending.current = null;
      message.destroy(p.key);
      if (!keepalive) setWaiting(null);
      void send(p, keepalive);
    },
    [message, send],
  );

  const undo = useCallback(() => {
    const p = pending.current;
    if (!p) return;
    clearTimeout(p.timer);
    pending.current = null;
    message.destroy(p.key);
    setWaiting(null);
    message.info({ content: t('undo.undone', { action: t(`action.${p.action}`) }), duration: 2 });
  }, [message, t]);

  const start = useCallback(
    (ticketId: string, action: string) => {
      flush(); // a second one-click action sends the first now
      const key = `undo-${ticketId}-${action}`;
      const p: Pending = { ticketId, action, key, timer: setTimeout(() => flush(), UNDO_SECONDS * 1000) };
      pending.current = p;
      setWaiting(action);
      message.open({
        key,
        type: 'success',
        duration: UNDO_SECONDS,
        content: (
          <span data-testid="undo-toast">
            {t(`undo.did.${action}`)} ·{' '}
            <Button size="small" type="link" onClick={undo} data-testid="undo-button" aria-keyshortcuts="Control+Z">
              {t('undo.undo')} (Ctrl+Z)
            </Button>
          </span>
        ),
      });
    },
    [flush, message, t, undo],
  );

  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (!pending.current || !(e.ctrlKey || e.metaKey) || e.key.toLowerCase() !== 'z') return;
      const el = e.target as HTMLElement | null;
      if (el && (el.tagName === 'INPUT' || el.tagName === 'TEXTAREA' || el.isContentEditable)) return;
      e.preventDefault();
      undo();
    };
    const onHide = () => flush(true);
    window.addEventListener('keydown', onKey);
    window.addEventListener('pagehide', onHide);
    return () => {
      window.removeEventListener('keydown', onKey);
      window.removeEventListener('pagehide', onHide);
      flush(); // leaving the ticket inside the window: the action still happens
    };
  }, [undo, flush]);

  return { start, waiting };
}
