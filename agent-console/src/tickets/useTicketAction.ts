import { App } from 'antd';
import { useState } from 'react';
import { api } from '../api/endpoints';
import { errorMessage } from '../api/problem';
import type { TicketDetail } from '../api/types';
import { useI18n } from '../i18n';

type Body = Record<string, unknown>;

/**
 * A panel's one-click ticket action: `busy` names the button whose request is running; on success a
 * message (the panel's own or "done") and the updated ticket to `onDone`; on failure the problem's message.
 * `body` may be a function when it needs a lookup first (its error is shown the same way).
 */
export function useTicketAction<K extends string | number>(ticketId: string | undefined, onDone?: (t: TicketDetail) => void) {
  const { t, locale } = useI18n();
  const { message } = App.useApp();
  const [busy, setBusy] = useState<K | null>(null);
  const run = async (key: K, action: string, body: Body | (() => Promise<Body>), successText?: string) => {
    if (!ticketId) return;
    setBusy(key);
    try {
      const { data } = await api.act(ticketId, action, typeof body === 'function' ? await body() : body);
      message.success(successText ?? t('action.done'));
      onDone?.(data);
    } catch (e) {
      message.error(errorMessage(e, locale));
    } finally {
      setBusy(null);
    }
  };
  return { busy, run };
}
