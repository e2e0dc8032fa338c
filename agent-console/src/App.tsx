import { Result, Spin } from 'antd';
import { lazy, Suspense } from 'react';
import { Navigate, Route, Routes, useLocation } from 'react-router-dom';
import { useI18n } from './i18n';
import { prefetchInbox } from './pages/unit/inboxQuery';
import { fullySignedIn, homeFor, useAuth } from './shell/auth';
import LoginPage from './shell/LoginPage';
import { RequireRole } from './shell/RequireRole';

// Each area is its own chunk: the login screen ships without tables, charts or socket.io.
const AgentApp = lazy(() => import('./pages/agent/AgentApp'));
const UnitApp = lazy(() => import('./pages/unit/UnitApp'));
const SupervisorApp = lazy(() => import('./pages/supervisor/SupervisorApp'));
const TrackApp = lazy(() => import('./pages/track/TrackApp'));
const AdminApp = lazy(() => import('./pages/admin/AdminApp'));
const AccountPage = lazy(() => import('./shell/AccountPage'));

/** The unit portal; opening its inbox asks for the first page while the portal's chunk downloads. */
function UnitArea() {
  const { user } = useAuth();
  const { pathname, key } = useLocation();
  if (user?.role === 'unit_clerk' && /^\/unit\/?$/.test(pathname)) prefetchInbox(user.unitId, key);
  return <UnitApp />;
}

function Home() {
  const { user, ready } = useAuth();
  if (!ready) return <Spin style={{ display: 'block', marginTop: 120 }} />;
  return <Navigate to={fullySignedIn(user) ? homeFor(user.role) : '/login'} replace />;
}

export default function App() {
  const { t } = useI18n();
  return (
    <Suspense fallback={<Spin style={{ display: 'block', marginTop: 120 }} />}>
      <Routes>
        <Route path="/" element={<Home />} />
        <Route path="/login" element={<LoginPage />} />
        <Route path="/track/*" element={<TrackApp />} />
        <Route
          path="/agent/*"
          element={
            <RequireRole roles={['agent', 'dispatcher', 'supervisor', 'admin']}>
              <AgentApp />
            </RequireRole>
          }
        />
        <Route
          path="/unit/*"
          element={
            <RequireRole roles={['unit_clerk']}>
              <UnitArea />
            </RequireRole>
          }
        />
        <Route
          path="/supervisor/*"
          element={
            <RequireRole roles={['supervisor', 'admin', 'dispatcher']}>
              <SupervisorApp />
            </RequireRole>
          }
        />
        <Route
          path="/admin/*"
          element={
            <RequireRole roles={['admin']}>
              <AdminApp />
            </RequireRole>
          }
        />
        <Route
          path="/account"
          element={
            <RequireRole roles={['agent', 'dispatcher', 'supervisor', 'unit_clerk', 'admin']}>
              <AccountPage />
            </RequireRole>
          }
        />
        <Route path="*" element={<Result status="404" title="404" subTitle={t('app.notFound')} />} />
      </Routes>
    </Suspense>
  );
}
