import { Button, Card, Input, List, Space, Tag, Typography } from 'antd';
import { useEffect, useRef, useState } from 'react';
import { get, query } from '../../api/client';
import { useI18n } from '../../i18n';

export interface ArticleHit {
  id: string;
  title: string;
  excerpt: string;
  usageCount: number;
}

/** What the desk does with an article: 直办 (answer and close citing it), or 短信发送 (text it to the caller). */
export type KnowledgeUse = 'direct' | 'sms';

const isKey = (e: KeyboardEvent, letter: string) =>
  e.altKey && !e.ctrlKey && !e.metaKey && (e.key.toLowerCase() === letter || e.code === `Key${letter.toUpperCase()}`);

/**
 * Knowledge base on the agent desk: suggestions while the agent types (GET /api/knowledge/suggest),
 * and a search box beside them (GET /api/knowledge/articles?q=) for when the caller's words are not
 * the article's. Keyboard: Alt+K searches, ↑/↓ choose an article, Alt+Z answers directly from it
 * (直办, zhí), Alt+X sends it to the caller by SMS (短信, xìn); the shortcuts are written on the buttons.
 * Not Alt+D or Alt+S: Chromium on Windows and Linux gives those to the address bar and the menu.
 */
export function KnowledgePanel({ text, onUse }: { text: string; onUse?: (article: ArticleHit, use: KnowledgeUse) => void }) {
  const { t } = useI18n();
  const [hits, setHits] = useState<ArticleHit[] | null>(null);
  const [search, setSearch] = useState('');
  const [selected, setSelected] = useState(0);
  const searchRef = useRef<HTMLInputElement | null>(null);
  const q = text.trim();
  const s = search.trim();

  useEffect(() => {
    if (!s && q.length < 4) {
      setHits(null);
      return;
    }
    let live = true;
    const timer = setTimeout(
      () => {
        const url = s
          ? `/api/knowledge/articles${query({ q: s.slice(0, 200), validOnly: 'true', limit: 8 })}`
          : `/api/knowledge/suggest${query({ text: q.slice(0, 500) })}`;
        get<ArticleHit[]>(url)
          .then((r) => {
            if (!live) return;
            setHits(r.data);
            setSelected(0);
          })
          .catch((e: unknown) => {
            console.warn('knowledge search failed; no articles shown', e);
            if (live) setHits([]);
          });
      },
      s ? 250 : 400,
    );
    return () => {
      live = false;
      clearTimeout(timer);
    };
  }, [q, s]);

  const current = hits?.[selected] ?? null;
  const latest = useRef({ current, onUse });
  latest.current = { current, onUse };

  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (isKey(e, 'k')) {
        e.preventDefault();
        searchRef.current?.focus();
        searchRef.current?.select();
        return;
      }
      const { current: a, onUse: act } = latest.current;
      if (!a || !act) return;
      if (isKey(e, 'z')) {
        e.preventDefault();
        act(a, 'direct');
      } else if (isKey(e, 'x')) {
        e.preventDefault();
        act(a, 'sms');
      }
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, []);

  const move = (e: React.KeyboardEvent) => {
    if (!hits?.length) return;
    if (e.key === 'ArrowDown') {
      e.preventDefault();
      setSelected((i) => Math.min(i + 1, hits.length - 1));
    } else if (e.key === 'ArrowUp') {
      e.preventDefault();
      setSelected((i) => Math.max(i - 1, 0));
    }
  };

  return (
    <Card size="small" title={t('kb.title')} data-testid="kb-panel" onKeyDown={move}>
      <Input.Search
        allowClear
        size="small"
        placeholder={t('kb.searchPlaceholder')}
        aria-keyshortcuts="Alt+K"
        ref={(r) => {
          searchRef.current = r?.input ?? null;
        }}
        onChange={(e) => setSearch(e.target.value)}
        onSearch={setSearch}
        style={{ marginBottom: 8 }}
        data-testid="kb-search"
      />
      {hits === null ? (
        <Typography.Text type="secondary">{t('kb.hint')}</Typography.Text>
      ) : hits.length === 0 ? (
        <Typography.Text type="secondary">{t('kb.empty')}</Typography.Text>
      ) : (
        <List
          size="small"
          dataSource={hits}
          renderItem={(a, i) => (
            <List.Item
              key={a.id}
              data-testid="kb-hit"
              aria-selected={i === selected}
              onClick={() => setSelected(i)}
              style={{ cursor: 'pointer', background: i === selected ? 'rgba(22,119,255,0.06)' : undefined, paddingInline: 6 }}
            >
              <List.Item.Meta
                title={
                  <Space size={4}>
                    {i === selected && <Tag color="blue">↑↓</Tag>}
                    {a.title}
                  </Space>
                }
                description={
                  <>
                    <Typography.Paragraph ellipsis={{ rows: 3 }} style={{ marginBottom: 4 }}>
                      {a.excerpt}
                    </Typography.Paragraph>
                    {onUse && i === selected && (
                      <Space size={4}>
                        <Button size="small" type="primary" aria-keyshortcuts="Alt+Z" onClick={() => onUse(a, 'direct')} data-testid="kb-direct">
                          {t('kb.direct')}
                        </Button>
                        <Button size="small" aria-keyshortcuts="Alt+X" onClick={() => onUse(a, 'sms')} data-testid="kb-sms">
                          {t('kb.sms')}
                        </Button>
                      </Space>
                    )}
                  </>
                }
              />
            </List.Item>
          )}
        />
      )}
    </Card>
  );
}
