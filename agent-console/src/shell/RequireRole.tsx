import { Spin } from 'antd';
import type { ReactNode } from 'react';
import { Navigate, useLocation } from 'react-router-dom';
import type { Role } from '../api/types';
import { fullySignedIn, homeFor, useAuth } from './auth';

/** Gates a staff area; a wrong role goes to its own home rather than a dead end. */
export function RequireRole({ roles, children }: { roles: Role[]; children: ReactNode }) {
  const { user, ready, loggedOutHere } = useAuth();
  const location = useLocation();
  if (!ready) return <Spin style={{ display: 'block', marginTop: 120 }} />;
  if (!fullySignedIn(user)) return <Navigate to="/login" replace state={loggedOutHere ? null : { from: location.pathname + location.search }} />;
  if (!roles.includes(user.role)) return <Navigate to={homeFor(user.role)} replace />;
  return <>{children}</>;
}
