import { Button, Card, ConfigProvider, Space, Tabs, Typography } from 'antd';
import { useState, type ReactNode } from 'react';
import type React from 'react';
import { Link, Route, Routes, useLocation } from 'react-router-dom';
import { useI18n } from '../../i18n';
import { LocaleSwitch } from '../../shell/LocaleSwitch';
import { CallbackLinkForm, callbackLinkFrom } from './CallbackLinkForm';
import { PublicReviews } from './PublicReviews';
import { SubmitForm, type Receipt } from './SubmitForm';
import { TrackForm } from './TrackForm';
import { useElderMode } from './elder';
import { elderTheme } from '../../theme';

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
  const [elder, setElder] = useElderMode();
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
        { key: 'submit', label: t('track.submitTab'), children: <SubmitForm key={elder ? 'elder' : 'std'} stepwise={elder} onSubmitted={onSubmitted} /> },
        { key: 'track', label: t('track.trackTab'), children: <TrackForm receipt={receipt} /> },
      ]}
    />
  );
  // 长辈版 switch: a real button with its state (aria-pressed), on every citizen page.
  const elderSwitch = (
    <Button
      size={elder ? 'large' : 'middle'}
      aria-pressed={elder}
      aria-label={elder ? t('elder.switchOffLabel') : t('elder.switchLabel')}
      onClick={() => setElder(!elder)}
      data-testid="elder-switch"
    >
      {elder ? t('elder.off') : t('elder.on')}
    </Button>
  );
  const controls = (link: ReactNode) => (
    <Space wrap>
      {link}
      {elderSwitch}
      <LocaleSwitch />
    </Space>
  );
  // In the large view the controls get their own row under the title (beside it, the title had one character a line).
  const extra = (link: ReactNode) => (elder ? undefined : controls(link));
  const elderRow = (link: ReactNode) => elder && <div style={{ marginBottom: 16 }}>{controls(link)}</div>;
  // In the elderly mode a link is a 44 px target too (WCAG 2.5.5), not just its line of text.
  const linkStyle: React.CSSProperties | undefined = elder ? { display: 'inline-flex', alignItems: 'center', minHeight: 48, padding: '0 8px' } : undefined;
  const callBar = elder && (
    <Space direction="vertical" style={{ width: '100%', marginBottom: 16 }}>
      <Button
        type="primary"
        size="large"
        block
        href="tel:12345"
        data-testid="elder-call"
        style={{ height: 56, fontSize: 22, background: '#135200', borderColor: '#135200' }}
      >
        {t('elder.call')}
      </Button>
      <Typography.Text>{t('elder.callHint')}</Typography.Text>
    </Space>
  );
  const page = (
    <main
      style={{ minHeight: '100vh', background: elder ? '#ffffff' : '#f5f5f5', padding: 12, fontSize: elder ? 18 : undefined, boxSizing: 'border-box' }}
      data-elder={elder ? 'on' : 'off'}
      data-testid="citizen-page"
    >
      <Routes>
        <Route
          path="reviews"
          element={
            <Card
              style={{ maxWidth: 720, margin: '0 auto' }}
              title={<h1 style={titleStyle(elder)}>{t('feedback.pub.title')}</h1>}
              extra={extra(
                <Link to="/track" style={linkStyle}>
                  {t('track.title')}
                </Link>,
              )}
              styles={{ body: { padding: 16 } }}
            >
              {elderRow(
                <Link to="/track" style={linkStyle}>
                  {t('track.title')}
                </Link>,
              )}
              {callBar}
              <PublicReviews />
            </Card>
          }
        />
        <Route
          path="*"
          element={
            <Card
              style={{ maxWidth: elder ? 640 : 560, margin: '0 auto' }}
              title={<h1 style={titleStyle(elder)}>{t('track.title')}</h1>}
              extra={extra(
                <Link to="/track/reviews" style={linkStyle} data-testid="nav-public-reviews">
                  {t('feedback.pub.title')}
                </Link>,
              )}
              styles={{ body: { padding: 16 } }}
            >
              {elderRow(
                <Link to="/track/reviews" style={linkStyle} data-testid="nav-public-reviews">
                  {t('feedback.pub.title')}
                </Link>,
              )}
              {callBar}
              {portal}
            </Card>
          }
        />
      </Routes>
    </main>
  );
  return elder ? <ConfigProvider theme={elderTheme}>{page}</ConfigProvider> : page;
}

/** The page's one h1 (WCAG 1.3.1 / 2.4.6), sized like the card title it replaces; the card header wraps on a phone. */
const titleStyle = (elder: boolean): React.CSSProperties => ({ fontSize: elder ? 24 : 16, margin: 0, fontWeight: 600, whiteSpace: 'normal' });
