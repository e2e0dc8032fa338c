import { Alert, App, Checkbox, Form, Input, Modal } from 'antd';
import { useEffect, useState } from 'react';
import { useNavigate } from 'react-router-dom';
import { api } from '../../api/endpoints';
import { get, post } from '../../api/client';
import { errorMessage } from '../../api/problem';
import type { TicketDetail } from '../../api/types';
import { useI18n } from '../../i18n';
import type { ArticleHit, KnowledgeUse } from './KnowledgePanel';

interface Props {
  use: { article: ArticleHit; kind: KnowledgeUse } | null;
  phone: string;
  /** Validates the registration form and registers the call (null: the form shows what to fix). */
  register: () => Promise<TicketDetail | null>;
  onClose: () => void;
}

const isMobile = (p: string) => /^1[3-9]\d{9}$/.test(p.replace(/\D/g, '').replace(/^86(?=1\d{10}$)/, ''));

/**
 * From an article to the caller, in one step after the registration form is filled: 直办 registers
 * the call, answers it with the article's text (edited if the agent likes) citing the article, and
 * closes it; 短信发送 registers it and texts the answer (POST /api/tickets/:id/knowledge-sms, on the
 * ticket's timeline). Both can be ticked together. Ctrl+Enter confirms, Esc cancels.
 */
export function KnowledgeAnswerDialog({ use, phone, register, onClose }: Props) {
  const { t, locale } = useI18n();
  const { message } = App.useApp();
  const navigate = useNavigate();
  const [answer, setAnswer] = useState('');
  const [direct, setDirect] = useState(false);
  const [sms, setSms] = useState(false);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const mobile = isMobile(phone);

  useEffect(() => {
    if (!use) return;
    setError(null);
    setDirect(use.kind === 'direct');
    setSms(use.kind === 'sms' && isMobile(phone));
    setAnswer(use.article.excerpt);
    let live = true;
    get<{ body: string }>(`/api/knowledge/articles/${encodeURIComponent(use.article.id)}`)
      .then((r) => live && setAnswer(r.data.body))
      .catch((e: unknown) => console.warn('the article could not be read; its excerpt stays and the agent can still answer from it', e));
    return () => {
      live = false;
    };
    // eslint-disable-next-line react-hooks/exhaustive-deps -- once per article chosen, not per keystroke in the phone field
  }, [use]);

  const confirm = async () => {
    if (!use || busy) return;
    if (!direct && !sms) return;
    setBusy(true);
    setError(null);
    try {
      const ticket = await register();
      if (!ticket) {
        setError(t('kb.formInvalid'));
        return;
      }
      if (direct) {
        await api.act(ticket.id, 'answer-directly', { answer: answer.trim(), knowledgeArticleId: use.article.id });
        await api.act(ticket.id, 'close-direct', {});
      }
      if (sms) {
        await post(`/api/tickets/${encodeURIComponent(ticket.id)}/knowledge-sms`, { articleId: use.article.id });
        message.success(t('kb.smsSent'));
      }
      message.success(t('kb.done', { number: ticket.number }));
      onClose();
      navigate(`/agent/tickets/${ticket.id}`);
    } catch (e) {
      setError(errorMessage(e, locale));
    } finally {
      setBusy(false);
    }
  };

  return (
    <Modal
      open={!!use}
      title={use ? t(use.kind === 'direct' ? 'kb.dialog.direct' : 'kb.dialog.sms', { title: use.article.title }) : ''}
      onCancel={onClose}
      onOk={confirm}
      okText={t('kb.confirm')}
      cancelText={t('app.cancel')}
      confirmLoading={busy}
      okButtonProps={{ disabled: !direct && !sms, ...({ 'data-testid': 'kb-confirm' } as Record<string, string>) }}
      destroyOnHidden
    >
      <Form
        layout="vertical"
        onKeyDown={(e) => {
          if (e.key === 'Enter' && (e.ctrlKey || e.metaKey)) {
            e.preventDefault();
            void confirm();
          }
        }}
      >
        <Form.Item label={t('kb.answer')}>
          <Input.TextArea rows={6} value={answer} onChange={(e) => setAnswer(e.target.value)} data-testid="kb-answer" autoFocus />
        </Form.Item>
        <Form.Item style={{ marginBottom: 4 }}>
          <Checkbox checked={direct} onChange={(e) => setDirect(e.target.checked)} data-testid="kb-close-direct">
            {t('kb.closeDirect')}
          </Checkbox>
        </Form.Item>
        <Form.Item>
          <Checkbox checked={sms} disabled={!mobile} onChange={(e) => setSms(e.target.checked)} data-testid="kb-send-sms">
            {t('kb.sendSms', { phone: phone || '—' })}
          </Checkbox>
        </Form.Item>
        {error && <Alert type="error" showIcon message={error} data-testid="kb-error" />}
      </Form>
    </Modal>
  );
}
