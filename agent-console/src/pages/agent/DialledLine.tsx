import { Alert } from 'antd';
import { useEffect, useState } from 'react';
import { useI18n } from '../../i18n';
import { hotlinesApi, type HotlineLine } from '../supervisor/hotlines/api';

/** The line a call came in on, looked up in the centre's table; null for 12345 itself or an unknown number. */
export function useDialledLine(number: string | null): HotlineLine | null {
  const [line, setLine] = useState<HotlineLine | null>(null);
  useEffect(() => {
    setLine(null);
    if (!number) return;
    let live = true;
    hotlinesApi
      .lines()
      .then((all) => live && setLine(all.find((l) => l.number === number && l.mode !== 'main') ?? null))
      // The banner is a help, not a step: registration goes on without it.
      .catch((e: unknown) => {
        console.warn('hotline lines could not be read; registering without the line banner', e);
        if (live) setLine(null);
      });
    return () => void (live = false);
  }, [number]);
  return line;
}

/** "来电线路：12319 城建服务热线": the citizen dialled a former department number that now rings at 12345. */
export function DialledLine({ line }: { line: HotlineLine }) {
  const { t } = useI18n();
  return (
    <Alert
      type="warning"
      showIcon
      style={{ marginBottom: 12 }}
      data-testid="dialled-line"
      message={t('hotline.incoming', { number: line.number, name: line.name })}
      description={t('hotline.incomingDetail', { mode: t(`hotline.mode.${line.mode}`), dept: line.replacedDepartment ? ` · ${line.replacedDepartment}` : '' })}
    />
  );
}
