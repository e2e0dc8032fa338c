import { Button } from 'antd';
import { useI18n } from '../i18n';

export function LocaleSwitch() {
  const { locale, setLocale, t } = useI18n();
  return (
    <Button
      size="small"
      data-testid="locale-switch"
      onClick={(e) => {
        setLocale(locale === 'zh-CN' ? 'en' : 'zh-CN');
        // Leave no focus here: an agent's next Enter (to save a form) must not switch the language back.
        e.currentTarget.blur();
      }}
    >
      {t('app.lang')}
    </Button>
  );
}
