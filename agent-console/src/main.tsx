import { App as AntApp, ConfigProvider } from 'antd';
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { BrowserRouter } from 'react-router-dom';
import App from './App';
import './base.css';
import { antdLocaleOf, initialLocale, I18nProvider, loadLocale, useI18n } from './i18n';
import { AuthProvider } from './shell/auth';
import { accessibleTheme } from './theme';

function Themed() {
  const { locale } = useI18n();
  return (
    <ConfigProvider locale={antdLocaleOf(locale)} button={{ autoInsertSpace: false }} theme={accessibleTheme}>
      <AntApp>
        <BrowserRouter>
          <AuthProvider>
            <App />
          </AuthProvider>
        </BrowserRouter>
      </AntApp>
    </ConfigProvider>
  );
}

const render = () =>
  createRoot(document.getElementById('root')!).render(
    <StrictMode>
      <I18nProvider>
        <Themed />
      </I18nProvider>
    </StrictMode>,
  );

// A user who chose English starts in it (its dictionary is a chunk of its own); if it cannot be
// fetched, the console starts in Chinese and the log says why.
if (initialLocale() === 'en') {
  loadLocale('en').then(render, (err: unknown) => {
    console.error('the English dictionary could not be loaded; starting in Chinese', err);
    render();
  });
} else render();
