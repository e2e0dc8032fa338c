import { App } from 'antd';
import { useNavigate } from 'react-router-dom';
import { useI18n } from '../../i18n';
import { useSocketEvent } from '../../realtime/RealtimeProvider';
import { usePresence } from './presence';

/**
 * 来电弹屏 from the CTI (integrations/phone-cti/screen-pop.ts; not in docs/API.md v1): the server
 * emits `call:ringing` / `call:answered` to this agent's extension room. Ringing only announces;
 * answering opens registration with the caller's number (which also lists their earlier tickets).
 */
export interface CallPop {
  callId: string;
  caller: string;
  ivrDigits?: string[];
  citizen?: { id: string; displayName?: string };
  openTickets?: number;
  /** The centre's line the caller dialled (server/hotlines): 12345, or a department number folded into it. */
  line?: { number: string };
}

export function registrationUrl(pop: Pick<CallPop, 'callId' | 'caller' | 'line'>): string {
  const phone = pop.caller === 'anonymous' ? '' : pop.caller;
  const line = pop.line ? `&line=${encodeURIComponent(pop.line.number)}` : '';
  return `/agent/new?phone=${encodeURIComponent(phone)}&callId=${encodeURIComponent(pop.callId)}${line}`;
}

export function useScreenPop() {
  const { t } = useI18n();
  const { notification } = App.useApp();
  const navigate = useNavigate();
  const { setPresence } = usePresence();

  useSocketEvent<CallPop>('call:ringing', (pop) => {
    notification.info({
      key: `call-${pop.callId}`,
      message: t('call.ringing', { phone: pop.caller }),
      description: pop.openTickets ? t('call.openTickets', { n: pop.openTickets }) : undefined,
      duration: 0,
    });
  });

  useSocketEvent<CallPop>('call:answered', (pop) => {
    notification.destroy(`call-${pop.callId}`);
    setPresence('busy');
    navigate(registrationUrl(pop));
  });
}
