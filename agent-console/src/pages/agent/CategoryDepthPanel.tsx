import { Button, List, Space, Tag, Typography } from 'antd';
import { api } from '../../api/endpoints';
import type { Category, TicketDetail } from '../../api/types';
import { useI18n } from '../../i18n';
import { classificationDefaults } from '../../lib/suggestion';
import { SideListCard } from '../../tickets/SideListCard';
import { useTicketAction } from '../../tickets/useTicketAction';

/** One of the classifier's `categoryCandidates`: a name path under the predicted first level, with its words. */
export interface CategoryCandidate {
  path: string[];
  score: number;
  evidence: string[];
}

export function categoryCandidatesOf(suggestion: unknown): CategoryCandidate[] {
  const list = (suggestion as { categoryCandidates?: unknown } | null)?.categoryCandidates;
  if (!Array.isArray(list)) return [];
  return list.filter((c): c is CategoryCandidate => !!c && Array.isArray((c as CategoryCandidate).path) && Array.isArray((c as CategoryCandidate).evidence));
}

// Children per parent code, fetched once per page load: a name path resolves to a code in at most three requests.
const children = new Map<string, Promise<Category[]>>();
function childrenOf(parentCode: string | undefined): Promise<Category[]> {
  const key = parentCode ?? '';
  let p = children.get(key);
  if (!p) {
    p = api.categories(parentCode).then((r) => r.data);
    p.catch(() => children.delete(key));
    children.set(key, p);
  }
  return p;
}

/** The code of the deepest node of `path` found in the current tree (a city's tree may lack the demo's deeper nodes). */
export async function codeForPath(path: string[]): Promise<string | undefined> {
  let code: string | undefined;
  for (const name of path) {
    const next = (await childrenOf(code)).find((c) => c.name === name);
    if (!next) break;
    code = next.code;
  }
  return code;
}

/**
 * Category depth (二级/三级): the classifier's three paths under its first-level category, each with the words that
 * point to it; one click confirms the ticket's classification with that path (action `submit`).
 */
export function CategoryDepthPanel({ ticket, onDone }: { ticket: TicketDetail; onDone: (t: TicketDetail) => void }) {
  const { t } = useI18n();
  const { busy, run } = useTicketAction<number>(ticket.id, onDone);
  const candidates = categoryCandidatesOf(ticket.suggestion);
  if (!ticket.allowedActions?.includes('submit') || candidates.length === 0) return null;

  const confirm = (index: number) =>
    run(index, 'submit', async () => {
      const categoryCode = await codeForPath(candidates[index].path);
      if (!categoryCode) throw new Error(t('depth.notInTree'));
      return { ...classificationDefaults(ticket), categoryCode };
    });

  return (
    <SideListCard
      title={t('depth.title')}
      testId="category-depth"
      rows={candidates.map((c, i) => ({ ...c, i }))}
      renderItem={(c) => (
        <List.Item
          data-testid="category-depth-item"
          actions={[
            <Button
              key="use"
              size="small"
              type={c.i === 0 ? 'primary' : 'default'}
              loading={busy === c.i}
              data-testid="category-depth-use"
              onClick={() => void confirm(c.i)}
            >
              {t('depth.use')}
            </Button>,
          ]}
        >
          <Space direction="vertical" size={2}>
            <Typography.Text strong={c.i === 0}>{c.path.join(' / ')}</Typography.Text>
            <Space size={2} wrap>
              {c.evidence.length ? c.evidence.map((w) => <Tag key={w}>{w}</Tag>) : <Typography.Text type="secondary">{t('depth.noEvidence')}</Typography.Text>}
            </Space>
          </Space>
        </List.Item>
      )}
    />
  );
}
