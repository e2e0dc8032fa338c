import { Select } from 'antd';
import type { Presence } from '../../api/types';
import { useI18n } from '../../i18n';
import { usePresence } from './presence';

const STATES: Presence[] = ['available', 'busy', 'after_call', 'away'];

export function PresenceSelector() {
  const { t } = useI18n();
  const { presence, setPresence } = usePresence();
  return (
    <Select<Presence>
      size="small"
      style={{ width: 120 }}
      value={presence}
      aria-label={t('a11y.presence')}
      data-testid="presence"
      onChange={setPresence}
      options={STATES.map((s) => ({ value: s, label: t(`presence.${s}`) }))}
    />
  );
}
