import { Select, Space, Typography } from 'antd';
import { useEffect, useRef, useState } from 'react';
import { get, query } from '../../api/client';
import { useI18n } from '../../i18n';

interface Phrase {
  id: string;
  title: string;
  body: string;
}

const isAltC = (e: KeyboardEvent) => e.altKey && !e.ctrlKey && !e.metaKey && (e.key.toLowerCase() === 'c' || e.code === 'KeyC');

/**
 * 常用语 at the desk (GET /api/text-snippets?kind=agent_phrase, kept by the administrator): Alt+C
 * (常, cháng) opens the list from anywhere on the form, typing filters it, Enter inserts the phrase
 * where the cursor was in the appeal text; the cursor then goes back there, after the phrase.
 */
export function PhrasePicker({ onPick }: { onPick: (body: string) => void }) {
  const { t } = useI18n();
  const [list, setList] = useState<Phrase[] | null>(null);
  const [failed, setFailed] = useState(false);
  const [open, setOpen] = useState(false);
  const ref = useRef<{ focus: () => void } | null>(null);

  useEffect(() => {
    let live = true;
    get<Phrase[]>(`/api/text-snippets${query({ kind: 'agent_phrase' })}`)
      .then((r) => live && setList(r.data))
      .catch((err: unknown) => {
        // Not silent: the picker says the phrases could not be loaded, and the console's log has why.
        console.warn('常用语 could not be loaded', err);
        if (live) setFailed(true);
      });
    return () => {
      live = false;
    };
  }, []);

  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (!isAltC(e)) return;
      e.preventDefault();
      ref.current?.focus();
      setOpen(true);
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, []);

  return (
    <Space size={6}>
      <label htmlFor="reg-phrases-input">
        <Typography.Text type="secondary">{t('reg.phrases')}</Typography.Text>
      </label>
      <Select<string>
        ref={ref as never}
        id="reg-phrases-input"
        showSearch
        size="small"
        style={{ width: 280 }}
        value={null}
        open={open}
        onDropdownVisibleChange={setOpen}
        aria-keyshortcuts="Alt+C"
        placeholder={t('reg.phrasesPlaceholder')}
        loading={list === null && !failed}
        notFoundContent={<Typography.Text type="secondary">{failed ? t('reg.phrasesFailed') : t('reg.phrasesEmpty')}</Typography.Text>}
        optionFilterProp="search"
        data-testid="reg-phrases"
        options={(list ?? []).map((p) => ({
          value: p.id,
          search: `${p.title} ${p.body}`,
          label: (
            <span title={p.body}>
              <b>{p.title}</b> <Typography.Text type="secondary">{p.body}</Typography.Text>
            </span>
          ),
        }))}
        onChange={(id) => {
          const p = list?.find((x) => x.id === id);
          setOpen(false);
          if (p) onPick(p.body);
        }}
      />
    </Space>
  );
}
