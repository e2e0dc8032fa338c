import { get, post, query } from './client';
import type { Category, DispatchProposal, PublicTicket, TicketDetail, TicketSummary, Unit, User } from './types';

export interface TicketFilter {
  status?: string;
  q?: string;
  unitId?: string;
  number?: string;
  overdue?: boolean;
  /** Server extension beyond docs/API.md v1: tickets the caller registered or last acted on. */
  mine?: boolean;
  page?: number;
  pageSize?: number;
}

export const api = {
  login: (username: string, password: string) =>
    post<{ user: User; csrfToken: string }>('/api/auth/login', { username, password }),
  logout: () => post<void>('/api/auth/logout'),
  me: () => get<{ user: User; csrfToken: string }>('/api/auth/me'),
  tickets: (f: TicketFilter) => get<TicketSummary[]>(`/api/tickets${query({ ...f })}`),
  ticket: (id: string) => get<TicketDetail>(`/api/tickets/${encodeURIComponent(id)}`),
  createTicket: (body: Record<string, unknown>) => post<TicketDetail>('/api/tickets', body),
  act: (id: string, action: string, body: Record<string, unknown>) =>
    post<TicketDetail>(`/api/tickets/${encodeURIComponent(id)}/actions/${action}`, body),
  dispatchProposal: (id: string) => get<DispatchProposal>(`/api/tickets/${encodeURIComponent(id)}/dispatch-proposal`),
  units: () => get<Unit[]>('/api/units'),
  categories: (parentCode?: string) => get<Category[]>(`/api/categories${query({ parentCode })}`),
  smsCode: (phone: string, purpose: 'submit' | 'track') =>
    post<{ expiresInSeconds: number }>('/api/public/sms-codes', { phone, purpose }),
  submitAppeal: (body: Record<string, unknown>) =>
    post<{ number: string; trackToken: string }>('/api/public/appeals', body),
  track: (body: { number: string; phone?: string; code?: string; trackToken?: string }) =>
    post<PublicTicket>('/api/public/track', body),
};
