import { Alert } from 'antd';
import { useI18n } from '../i18n';
import { useRealtime } from './RealtimeProvider';

/**
 * Tells the agent that the live connection is down: screen pops and live updates wait until it is
 * back. The state is also on a hidden marker, so a browser test can wait for the connection (and the
 * rooms the server joins on connect) instead of sleeping and hoping.
 */
export function ReconnectBanner() {
  const { state } = useRealtime();
  const { t } = useI18n();
  return (
    <>
      <span hidden data-testid="live-connection" data-state={state} />
      {state === 'reconnecting' && <Alert data-testid="reconnecting" type="warning" banner showIcon message={t('app.reconnecting')} />}
    </>
  );
}
