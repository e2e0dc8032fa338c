import { Alert, type FormInstance } from 'antd';
import { useEffect, useState } from 'react';
import { api } from '../api/endpoints';
import type { DispatchProposal } from '../api/types';
import { useI18n } from '../i18n';

/**
 * Prefills the dispatch form with the catalogue's proposal and says why; the dispatcher confirms or
 * changes it. A server without the endpoint (docs/API.md v1 lacks it) leaves the form empty.
 */
export function DispatchProposalHint({ ticketId, form }: { ticketId: string; form: FormInstance }) {
  const { t } = useI18n();
  const [p, setP] = useState<DispatchProposal | null>(null);
  useEffect(() => {
    let live = true;
    api
      .dispatchProposal(ticketId)
      .then(({ data }) => {
        if (!live) return;
        setP(data);
        if (!form.getFieldValue('leadUnitId')) {
          form.setFieldsValue({
            leadUnitId: data.leadUnit.id,
            assistingUnitIds: data.assistingUnits.map((u) => u.id),
            copyUnitIds: (data.copyUnits ?? []).map((u) => u.id),
          });
        }
      })
      .catch((e: unknown) => console.warn('the dispatch proposal could not be read; units are chosen by hand', e));
    return () => {
      live = false;
    };
  }, [ticketId, form]);
  if (!p) return null;
  const why = t(`proposal.${p.reason}`);
  return (
    <Alert
      type="info"
      showIcon
      style={{ marginBottom: 12 }}
      data-testid="dispatch-proposal"
      message={t('proposal.title', { unit: p.leadUnit.name })}
      description={[why === `proposal.${p.reason}` ? p.reason : why, ...(p.notes ?? [])].join(t('app.listSep'))}
    />
  );
}
