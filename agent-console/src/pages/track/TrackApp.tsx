import { Card, Space, Tabs } from 'antd';
import { useState } from 'react';
import { Link, Route, Routes, useLocation } from 'react-router-dom';
import { useI18n } from '../../i18n';
import { LocaleSwitch } from '../../shell/LocaleSwitch';
import { CallbackLinkForm, callbackLinkFrom } from './CallbackLinkForm';
import { PublicReviews } from './PublicReviews';
import { SubmitForm, type Receipt } from './SubmitForm';
import { TrackForm } from './TrackForm';

const RECEIPT_KEY = 'rexian.receipt';

function loadReceipt(): Receipt | null {
  try {
    return JSON.parse(localStorage.getItem(RECEIPT_KEY) ?? 'null');
  } catch {
    return null;
  }
}

/** The notices' link (server/citizen/notices.ts) opens this ticket: /track?number=…&token=… */
function receiptFromLink(search: string): Receipt | null {
  const p = new URLSearchParams(search);
  const number = p.get('number') ?? '';
  const trackToken = p.get('token') ?? '';
  return /^\d{13}$/.test(number) && /^[0-9a-f]{32}$/.test(trackToken) ? { number, trackToken } : null;
}

/** Citizen H5 page: no login, no socket; phone-width first, centred on a desk screen. */
export default function TrackApp() {
  const { t } = useI18n();
  const search = useLocation().search;
  const [fromLink] = useState(() => receiptFromLink(search));
  const [tab, setTab] = useState(fromLink ? 'track' : 'submit');
  const [receipt, setReceipt] = useState<Receipt | null>(() => fromLink ?? loadReceipt());
  // The callback SMS / WeChat message links to /track?callback=…&token=…
  const link = callbackLinkFrom(search);
  const onSubmitted = (r: Receipt) => {
    // Kept on the citizen's own device so "track" works without copying the token by hand.
    localStorage.setItem(RECEIPT_KEY, JSON.stringify(r));
    setReceipt(r);
  };
  const portal = link ? (
    <CallbackLinkForm callbackId={link.callbackId} token={link.token} />
  ) : (
    <Tabs
      activeKey={tab}
      onChange={setTab}
      items={[
        { key: 'submit', label: t('track.submitTab'), children: <SubmitForm onSubmitted={onSubmitted} /> },
        { key: 'track', label: t('track.trackTab'), children: <TrackForm receipt={receipt} /> },
      ]}
    />
  );
  return (
    <div style={{ minHeight: '100vh', background: '#f5f5f5', padding: 12 }}>
      <Routes>
        <Route
          path="reviews"
          element={
            <Card style={{ maxWidth: 720, margin: '0 auto' }} title={t('feedback.pub.title')} extra={<Space><Link to="/track">{t('track.title')}</Link><LocaleSwitch /></Space>} styles={{ body: { padding: 16 } }}>
              <PublicReviews />
            </Card>
          }
        />
        <Route
          path="*"
          element={
            <Card style={{ maxWidth: 560, margin: '0 auto' }} title={t('track.title')} extra={<Space><Link to="/track/reviews" data-testid="nav-public-reviews">{t('feedback.pub.title')}</Link><LocaleSwitch /></Space>} styles={{ body: { padding: 16 } }}>
              {portal}
            </Card>
          }
        />
      </Routes>
    </div>
  );
}
