import { Button } from 'antd';
import { useI18n } from '../i18n';

export function LocaleSwitch() {
  const { locale, setLocale, t } = useI18n();
  return (
    <Button size="small" data-testid="locale-switch" onClick={() => setLocale(locale === 'zh-CN' ? 'en' : 'zh-CN')}>
      {t('app.lang')}
    </Button>
  );
}
