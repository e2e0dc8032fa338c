import { Button, Space, Typography } from 'antd';
import { useState } from 'react';
import type { TicketDetail } from '../api/types';
import { useI18n } from '../i18n';
import { actionsFor, type ActionSpec } from '../lib/actions';
import { ActionModal } from './ActionModal';
import { useUndoableAction } from './useUndoableAction';

/** Actions without a form are one click, with an undo window instead of a confirm dialog. */
const ONE_CLICK = new Set(['sign', 'start']);

/** Buttons come only from the server's allowedActions: the console never re-derives permissions. */
export function ActionBar({ ticket, onDone, onStale }: { ticket: TicketDetail; onDone: (t: TicketDetail) => void; onStale?: () => void }) {
  const { t } = useI18n();
  const [open, setOpen] = useState<ActionSpec | null>(null);
  const undoable = useUndoableAction(onDone, onStale);
  const specs = actionsFor(ticket.allowedActions ?? []);
  if (specs.length === 0) return <Typography.Text type="secondary">{t('detail.noActions')}</Typography.Text>;
  return (
    <>
      <Space wrap data-testid="action-bar">
        {specs.map((s) => (
          <Button
            key={s.action}
            type={s.tone === 'primary' ? 'primary' : 'default'}
            danger={s.tone === 'danger'}
            data-testid={`action-${s.action}`}
            disabled={undoable.waiting === s.action}
            onClick={() => (ONE_CLICK.has(s.action) ? undoable.start(ticket.id, s.action) : setOpen(s))}
          >
            {t(`action.${s.action}`)}
          </Button>
        ))}
      </Space>
      <ActionModal ticket={ticket} spec={open} onClose={() => setOpen(null)} onDone={onDone} onStale={onStale} />
    </>
  );
}
