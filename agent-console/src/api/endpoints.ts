import { get, post, query, request } from './client';
import type { UploadedAttachment } from '../lib/attachments';
import type { Category, DispatchProposal, PublicTicket, StaffSession, TicketDetail, TicketSummary, Unit, User } from './types';

/** The outcome of a masked-number call (POST /api/contact-requests/:id/call). */
export interface ContactCallResult {
  id: string;
  status: 'connected' | 'no_answer' | 'refused' | 'failed';
  outcomeAt: string;
  via: 'bridge' | 'centre';
  talkSeconds: number | null;
}

export interface UnitCopy {
  id: string;
  ticketId: string;
  number: string;
  title: string | null;
  status: string;
  note: string | null;
  copiedAt: string;
  readAt: string | null;
  leadUnitName: string | null;
}

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
  /** Server-side order: `deadline` puts the clock that runs out first on top. */
  sort?: 'newest' | 'deadline';
}

export const api = {
  login: (username: string, password: string) => post<{ user: User; csrfToken: string }>('/api/auth/login', { username, password }),
  logout: () => post<void>('/api/auth/logout'),
  me: () => get<{ user: User; csrfToken: string }>('/api/auth/me'),
  mfaVerify: (code: string) => post<{ mfa: 'ok'; recoveryCodesLeft: number }>('/api/auth/mfa/verify', { code }),
  mfaEnrol: () => post<{ secret: string; otpauthUri: string }>('/api/auth/mfa/enrol', {}),
  mfaEnrolConfirm: (code: string) => post<{ recoveryCodes: string[] }>('/api/auth/mfa/enrol/confirm', { code }),
  sessions: () => get<StaffSession[]>('/api/auth/sessions'),
  revokeSession: (id: string) => post<void>(`/api/auth/sessions/${encodeURIComponent(id)}/revoke`, {}),
  adminSessions: () => get<StaffSession[]>('/api/admin/sessions'),
  adminRevokeSession: (id: string) => post<void>(`/api/admin/sessions/${encodeURIComponent(id)}/revoke`, {}),
  tickets: (f: TicketFilter) => get<TicketSummary[]>(`/api/tickets${query({ ...f })}`),
  ticket: (id: string) => get<TicketDetail>(`/api/tickets/${encodeURIComponent(id)}`),
  createTicket: (body: Record<string, unknown>) => post<TicketDetail>('/api/tickets', body),
  // 抄送 and 先联系后办理 (docs/API.md, Routing)
  unitCopies: (unread?: boolean) => get<UnitCopy[]>(`/api/unit/copies${query({ unread: unread ? 'true' : undefined })}`),
  readCopy: (id: string) => post<UnitCopy>(`/api/copies/${encodeURIComponent(id)}/read`, {}),
  requestContact: (ticketId: string, callbackNumber: string) =>
    post<{ id: string; status: string }>(`/api/tickets/${encodeURIComponent(ticketId)}/contact-requests`, { callbackNumber }),
  /** 隐私号: the bridge rings the clerk, then the citizen; the answer is the outcome, never the number. */
  callContact: (requestId: string) => post<ContactCallResult>(`/api/contact-requests/${encodeURIComponent(requestId)}/call`, {}),
  act: (id: string, action: string, body: Record<string, unknown>, opts?: { keepalive?: boolean }) =>
    request<TicketDetail>('POST', `/api/tickets/${encodeURIComponent(id)}/actions/${action}`, body, opts),
  dispatchProposal: (id: string) => get<DispatchProposal>(`/api/tickets/${encodeURIComponent(id)}/dispatch-proposal`),
  units: () => get<Unit[]>('/api/units'),
  categories: (parentCode?: string) => get<Category[]>(`/api/categories${query({ parentCode })}`),
  smsCode: (phone: string, purpose: 'submit' | 'track') => post<{ expiresInSeconds: number }>('/api/public/sms-codes', { phone, purpose }),
  /** With photos the appeal goes as multipart: the fields as a `payload` JSON part, then each file. */
  submitAppeal: (body: Record<string, unknown>, files: File[] = []) => {
    if (files.length === 0) return post<{ number: string; trackToken: string }>('/api/public/appeals', body);
    const form = new FormData();
    form.append('payload', JSON.stringify(body));
    for (const f of files) form.append('files', f, f.name);
    return post<{ number: string; trackToken: string }>('/api/public/appeals', form);
  },
  /** One reply file, stored for this ticket; the reply then cites its storageKey. */
  uploadAttachment: (ticketId: string, file: File) => {
    const form = new FormData();
    form.append('files', file, file.name);
    return post<UploadedAttachment>(`/api/tickets/${encodeURIComponent(ticketId)}/attachments`, form);
  },
  track: (body: { number: string; phone?: string; code?: string; trackToken?: string }) => post<PublicTicket>('/api/public/track', body),
};
