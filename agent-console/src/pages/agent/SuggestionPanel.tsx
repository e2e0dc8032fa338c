import { Alert, Button, Card, Descriptions, Progress, Space, Tag, Typography } from 'antd';
import type { TicketDetail } from '../../api/types';
import { useI18n } from '../../i18n';
import { useCategoryCodeByName } from '../../lib/categoryIndex';
import { classificationDefaults, emergencyLine, viewSuggestion } from '../../lib/suggestion';
import { useTicketAction } from '../../tickets/useTicketAction';

/**
 * The classifier's suggestion on a freshly registered ticket, with one-key confirm (action `submit`)
 * and, when it smells like an emergency, the transfer button first.
 */
export function SuggestionPanel({ ticket, onDone }: { ticket: TicketDetail; onDone: (t: TicketDetail) => void }) {
  const { t } = useI18n();
  const { busy, run: act } = useTicketAction<string>(ticket.id, onDone);
  const s = viewSuggestion(ticket.suggestion);
  const canSubmit = ticket.allowedActions?.includes('submit');
  const canTransfer = ticket.allowedActions?.includes('transfer-emergency');
  const run = (action: string, body: Record<string, unknown>) => act(action, action, body);

  const codeForName = useCategoryCodeByName(!!canSubmit);
  const confirmBody = classificationDefaults(ticket, codeForName);
  // The agent's own flag (a line) wins over the model's guess.
  const line = emergencyLine(ticket.emergency) ?? s?.emergencyLine ?? null;
  // Only while the classification is open, or while an emergency can still be handed over.
  if (!canSubmit && !(canTransfer && line)) return null;

  return (
    <Card size="small" title={t('sug.title')} data-testid="suggestion">
      {line && canTransfer && (
        <Alert
          type="error"
          showIcon
          style={{ marginBottom: 12 }}
          data-testid="emergency-banner"
          message={t('sug.emergency', { line })}
          action={
            <Button danger type="primary" loading={busy === 'transfer-emergency'} onClick={() => run('transfer-emergency', { line })}>
              {t('sug.transfer', { line })}
            </Button>
          }
        />
      )}
      {s ? (
        <Descriptions size="small" column={{ xs: 1, md: 2 }}>
          <Descriptions.Item label={t('sug.category')}>
            <span data-testid="suggestion-category">{s.categoryName ?? s.categoryCode ?? '—'}</span>
          </Descriptions.Item>
          <Descriptions.Item label={t('sug.confidence')}>
            {s.confidence === null ? '—' : <Progress percent={Math.round(s.confidence * 100)} size="small" style={{ width: 160 }} />}
          </Descriptions.Item>
          <Descriptions.Item label={t('sug.type')}>{s.type ? t(`type.${s.type}`) : '—'}</Descriptions.Item>
          <Descriptions.Item label={t('sug.urgency')}>{s.urgency ? t(`urgency.${s.urgency}`) : '—'}</Descriptions.Item>
          <Descriptions.Item label={t('sug.reasons')} span={2}>
            <Space size={4} wrap>
              {s.reasons.length ? s.reasons.map((r) => <Tag key={r}>{r}</Tag>) : '—'}
            </Space>
          </Descriptions.Item>
          {s.alternatives.length > 0 && (
            <Descriptions.Item label={t('sug.alternatives')} span={2}>
              {s.alternatives.map((a) => `${a.name ?? a.code}${a.confidence === null ? '' : ` ${Math.round(a.confidence * 100)}%`}`).join(t('app.listSep'))}
            </Descriptions.Item>
          )}
          <Descriptions.Item label={t('sug.model')}>{s.modelVersion ?? '—'}</Descriptions.Item>
        </Descriptions>
      ) : (
        <Typography.Text type="secondary">{t('sug.none')}</Typography.Text>
      )}
      {canSubmit && (
        <Button
          type="primary"
          style={{ marginTop: 12 }}
          data-testid="confirm-suggestion"
          loading={busy === 'submit'}
          onClick={() => run('submit', confirmBody)}
        >
          {t('sug.confirm')}
        </Button>
      )}
    </Card>
  );
}
