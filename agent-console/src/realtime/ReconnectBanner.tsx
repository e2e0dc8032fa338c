import { Alert } from 'antd';
import { useI18n } from '../i18n';
import { useRealtime } from './RealtimeProvider';

export function ReconnectBanner() {
  const { state } = useRealtime();
  const { t } = useI18n();
  if (state !== 'reconnecting') return null;
  return <Alert data-testid="reconnecting" type="warning" banner showIcon message={t('app.reconnecting')} />;
}
