import { Result, Spin } from 'antd';
import { lazy, Suspense } from 'react';
import { Navigate, Route, Routes, useLocation } from 'react-router-dom';
import { useI18n } from './i18n';
import { prefetchInbox } from './pages/unit/inboxQuery';
import { fullySignedIn, homeFor, useAuth } from './shell/auth';
import LoginPage from './shell/LoginPage';
import { RequireRole } from './shell/RequireRole';

// Each area is its own chunk: the login screen ships without tables, charts or socket.io.
const areas = {
  agent: () => import('./pages/agent/AgentApp'),
  unit: () => import('./pages/unit/UnitApp'),
  supervisor: () => import('./pages/supervisor/SupervisorApp'),
  track: () => import('./pages/track/TrackApp'),
  admin: () => import('./pages/admin/AdminApp'),
};
// Opened straight at an area (a bookmark, a reload, the link in a notice), its chunk downloads while
// the session is being checked instead of after: the first screen of a work list comes up sooner.
// The login screen stays as small as before; a wrong role only costs a download it then does not use.
const openedAt = window.location.pathname.split('/')[1];
if (openedAt && Object.hasOwn(areas, openedAt)) {
  areas[openedAt as keyof typeof areas]().catch((err: unknown) =>
    console.warn(`early download of the /${openedAt} area failed; the area reports it when shown`, err),
  );
}
const AgentApp = lazy(areas.agent);
const UnitApp = lazy(areas.unit);
const SupervisorApp = lazy(areas.supervisor);
const TrackApp = lazy(areas.track);
const AdminApp = lazy(areas.admin);
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
