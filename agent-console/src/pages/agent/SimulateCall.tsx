import { Button, Input, Popover, Space } from 'antd';
import { useState } from 'react';
import { useNavigate } from 'react-router-dom';
import { useI18n } from '../../i18n';
import { usePresence } from './presence';

const randomMobile = () => `13${Math.floor(100000000 + Math.random() * 899999999)}`;

/**
 * Stands in for the CTI screen-pop until integrations/phone-cti pushes real calls: opens registration
 * prefilled with the caller's number, which also pulls up that caller's earlier tickets.
 */
export function SimulateCall() {
  const { t } = useI18n();
  const navigate = useNavigate();
  const [open, setOpen] = useState(false);
  const [phone, setPhone] = useState(randomMobile);
  const { setPresence } = usePresence();
  const answer = () => {
    setOpen(false);
    setPresence('busy');
    navigate(`/agent/new?phone=${encodeURIComponent(phone)}&callId=sim-${Date.now()}`);
    setPhone(randomMobile());
  };
  return (
    <Popover
      open={open}
      onOpenChange={setOpen}
      trigger="click"
      content={
        <Space>
          <Input
            aria-label={t('track.phone')}
            value={phone}
            onChange={(e) => setPhone(e.target.value)}
            onPressEnter={answer}
            data-testid="sim-phone"
            style={{ width: 160 }}
          />
          <Button type="primary" onClick={answer} data-testid="sim-answer">
            {t('app.ok')}
          </Button>
        </Space>
      }
    >
      <Button size="small" data-testid="simulate-call">
        {t('agent.simulateCall')}
      </Button>
    </Popover>
  );
}
