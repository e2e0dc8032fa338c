import { Layout, Menu, Spin } from 'antd';
import { lazy, Suspense } from 'react';
import { Link, Navigate, Route, Routes, useLocation } from 'react-router-dom';
import { useI18n } from '../../i18n';
import { StaffShell } from '../../shell/StaffShell';

// Each screen is its own chunk: the administrator opens one at a time.
const UnitsPage = lazy(() => import('./UnitsPage'));
const UsersPage = lazy(() => import('./UsersPage'));
const RulesPage = lazy(() => import('./RulesPage'));
const SlaPage = lazy(() => import('./SlaPage'));
const KnowledgePage = lazy(() => import('./KnowledgePage'));
const TemplatesPage = lazy(() => import('./TemplatesPage'));
const PhrasesPage = lazy(() => import('./PhrasesPage'));
const CategoriesPage = lazy(() => import('./CategoriesPage'));
const ClassifierPage = lazy(() => import('./ClassifierPage'));
const LinesPage = lazy(() => import('../supervisor/hotlines/LinesPage'));

/** The screens in the order a centre needs them in its first week. */
export const ADMIN_SCREENS = ['units', 'users', 'rules', 'sla', 'knowledge', 'templates', 'phrases', 'categories', 'hotlines', 'classifier'] as const;

/** 系统管理: the centre's set-up — units, accounts, dispatch rules, time limits, knowledge, lines, the classifier. */
export default function AdminApp() {
  const { t } = useI18n();
  const here = useLocation().pathname.split('/')[2] ?? 'units';
  return (
    <StaffShell
      title={t('admin.title')}
      extra={
        <Link to="/supervisor" data-testid="admin-to-wall">
          {t('admin.toWall')}
        </Link>
      }
    >
      <Layout style={{ background: 'transparent' }}>
        <Layout.Sider width={190} theme="light" style={{ background: 'transparent', marginRight: 16 }}>
          <nav aria-label={t('admin.title')}>
            <Menu
              mode="inline"
              selectedKeys={[here]}
              data-testid="admin-nav"
              items={ADMIN_SCREENS.map((s) => ({
                key: s,
                label: (
                  <Link to={`/admin/${s}`} data-testid={`admin-nav-${s}`}>
                    {t(`admin.nav.${s}`)}
                  </Link>
                ),
              }))}
            />
          </nav>
        </Layout.Sider>
        <Layout.Content style={{ minWidth: 0 }}>
          <Suspense fallback={<Spin style={{ display: 'block', marginTop: 80 }} />}>
            <Routes>
              <Route index element={<Navigate to="units" replace />} />
              <Route path="units" element={<UnitsPage />} />
              <Route path="users" element={<UsersPage />} />
              <Route path="rules" element={<RulesPage />} />
              <Route path="sla" element={<SlaPage />} />
              <Route path="knowledge" element={<KnowledgePage />} />
              <Route path="templates" element={<TemplatesPage />} />
              <Route path="phrases" element={<PhrasesPage />} />
              <Route path="categories" element={<CategoriesPage />} />
              <Route path="hotlines" element={<LinesPage />} />
              <Route path="classifier" element={<ClassifierPage />} />
              <Route path="*" element={<Navigate to="units" replace />} />
            </Routes>
          </Suspense>
        </Layout.Content>
      </Layout>
    </StaffShell>
  );
}
