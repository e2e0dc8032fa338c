import { Button } from 'antd';
import { useEffect } from 'react';
import { Route, Routes, useNavigate } from 'react-router-dom';
import { useI18n } from '../../i18n';
import { StaffShell } from '../../shell/StaffShell';
import { TicketPage } from '../../tickets/TicketPage';
import { useAuth } from '../../shell/auth';
import { CallbackTasks } from './CallbackTasks';
import { PresenceProvider, TAKES_CALLS } from './presence';
import { PresenceSelector } from './PresenceSelector';
import { Rectifications } from './Rectifications';
import { RegisterPage } from './RegisterPage';
import { SimulateCall } from './SimulateCall';
import { SuggestionPanel } from './SuggestionPanel';
import { SameMatterCandidates } from './SameMatterCandidates';
import { CategoryDepthPanel } from './CategoryDepthPanel';
import { useScreenPop } from './useScreenPop';
import { WorkQueue } from './WorkQueue';

/** Alt+N from anywhere in the agent area: a caller is waiting, the form must be one key away. */
function useNewTicketKey() {
  const navigate = useNavigate();
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (e.altKey && !e.ctrlKey && !e.metaKey && (e.key === 'n' || e.key === 'N' || e.code === 'KeyN')) {
        e.preventDefault();
        navigate('/agent/new');
      }
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [navigate]);
}

/** Inside the shell: the pop needs the realtime connection and the presence store. */
function ScreenPop() {
  useScreenPop();
  return null;
}

export default function AgentApp() {
  const { t } = useI18n();
  const navigate = useNavigate();
  const { user } = useAuth();
  const takesCalls = !!user && TAKES_CALLS.includes(user.role);
  // Callbacks and rectification are centre work (server/callbacks routes: agent, dispatcher, supervisor).
  const centre = !!user && ['agent', 'dispatcher', 'supervisor'].includes(user.role);
  useNewTicketKey();
  return (
    <StaffShell
      wrap={(children) => <PresenceProvider>{children}</PresenceProvider>}
      title={t('agent.title')}
      extra={
        <>
          {takesCalls && <PresenceSelector />}
          {takesCalls && import.meta.env.VITE_SIMULATE_CALL !== 'off' ? <SimulateCall /> : null}
          <Button size="small" type="primary" onClick={() => navigate('/agent/new')} data-testid="new-ticket">
            {t('agent.new')}
          </Button>
          <Button size="small" onClick={() => navigate('/agent')}>
            {t('agent.queue')}
          </Button>
          {centre && (
            <>
              <Button size="small" onClick={() => navigate('/agent/callbacks')} data-testid="nav-callbacks">
                {t('feedback.cb.title')}
              </Button>
              <Button size="small" onClick={() => navigate('/agent/rectifications')} data-testid="nav-rectifications">
                {t('feedback.rect.title')}
              </Button>
            </>
          )}
        </>
      }
    >
      <ScreenPop />
      <Routes>
        <Route index element={<WorkQueue />} />
        <Route path="new" element={<RegisterPage />} />
        <Route path="callbacks" element={<CallbackTasks />} />
        <Route path="rectifications" element={<Rectifications />} />
        <Route
          path="tickets/:id"
          element={
            <TicketPage
              backTo="/agent"
              aside={(ticket, update) => (
                <>
                  <SuggestionPanel ticket={ticket} onDone={update} />
                  <CategoryDepthPanel ticket={ticket} onDone={update} />
                  <SameMatterCandidates ticket={ticket} onMerged={update} />
                </>
              )}
            />
          }
        />
      </Routes>
    </StaffShell>
  );
}
