import { Card, List, Typography } from 'antd';
import { useEffect, useState } from 'react';
import { get, query } from '../../api/client';
import { useI18n } from '../../i18n';

interface ArticleHit {
  id: string;
  title: string;
  excerpt: string;
  usageCount: number;
}

/**
 * Knowledge-base suggestions while the agent types (GET /api/knowledge/suggest): a consultation the
 * centre can answer directly (直办) shows its answer before the agent thinks of dispatching.
 */
export function KnowledgePanel({ text }: { text: string }) {
  const { t } = useI18n();
  const [hits, setHits] = useState<ArticleHit[] | null>(null);
  const q = text.trim();

  useEffect(() => {
    if (q.length < 4) {
      setHits(null);
      return;
    }
    let live = true;
    const timer = setTimeout(() => {
      get<ArticleHit[]>(`/api/knowledge/suggest${query({ text: q.slice(0, 500) })}`)
        .then((r) => live && setHits(r.data))
        .catch(() => live && setHits([]));
    }, 400);
    return () => {
      live = false;
      clearTimeout(timer);
    };
  }, [q]);

  return (
    <Card size="small" title={t('kb.title')} data-testid="kb-panel">
      {hits === null ? (
        <Typography.Text type="secondary">{t('kb.hint')}</Typography.Text>
      ) : hits.length === 0 ? (
        <Typography.Text type="secondary">{t('kb.empty')}</Typography.Text>
      ) : (
        <List
          size="small"
          dataSource={hits}
          renderItem={(a) => (
            <List.Item key={a.id} data-testid="kb-hit">
              <List.Item.Meta title={a.title} description={<Typography.Paragraph ellipsis={{ rows: 3 }}>{a.excerpt}</Typography.Paragraph>} />
            </List.Item>
          )}
        />
      )}
    </Card>
  );
}
