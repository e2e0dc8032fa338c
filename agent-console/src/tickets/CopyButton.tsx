import { Alert, Button, Input, Modal, Select, Space } from 'antd';
import { useState } from 'react';
import { post } from '../api/client';
import { ApiError, problemMessage } from '../api/problem';
import type { TicketDetail } from '../api/types';
import { useI18n } from '../i18n';
import { useAuth } from '../shell/auth';
import { useUnits } from './units';

/** 抄送 from the ticket: centre staff tell units about it (a notice with a read receipt, not a dispatch). */
export function CopyButton({ ticket, onDone }: { ticket: TicketDetail; onDone: () => void }) {
  const { t, locale } = useI18n();
  const { user } = useAuth();
  const units = useUnits().map((u) => ({ value: u.id, label: u.name }));
  const [open, setOpen] = useState(false);
  const [unitIds, setUnitIds] = useState<string[]>([]);
  const [note, setNote] = useState('');
  const [error, setError] = useState<string | null>(null);
  if (!user || !['agent', 'dispatcher', 'supervisor'].includes(user.role) || ticket.status === 'archived') return null;
  const submit = async () => {
    try {
      await post(`/api/tickets/${encodeURIComponent(ticket.id)}/copies`, { unitIds, note: note.trim() || undefined });
      setOpen(false);
      setUnitIds([]);
      setNote('');
      setError(null);
      onDone();
    } catch (e) {
      setError(e instanceof ApiError ? problemMessage(e.problem, locale) : String(e));
    }
  };
  return (
    <>
      <Button onClick={() => setOpen(true)} data-testid="action-copy">
        {t('copies.copy')}
      </Button>
      <Modal
        open={open}
        title={t('copies.copy')}
        onCancel={() => setOpen(false)}
        onOk={() => void submit()}
        okButtonProps={{ disabled: unitIds.length === 0, id: 'copy-submit' }}
        destroyOnHidden
      >
        <Space direction="vertical" style={{ width: '100%' }}>
          <Select
            mode="multiple"
            showSearch
            optionFilterProp="label"
            options={units}
            value={unitIds}
            onChange={setUnitIds}
            style={{ width: '100%' }}
            placeholder={t('field.copyUnitIds')}
            aria-label={t('field.copyUnitIds')}
            data-testid="copy-units"
          />
          <Input.TextArea rows={3} value={note} onChange={(e) => setNote(e.target.value)} placeholder={t('field.note')} aria-label={t('field.note')} />
          {error && <Alert type="error" showIcon message={error} />}
        </Space>
      </Modal>
    </>
  );
}
