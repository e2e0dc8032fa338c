import { get, post, query } from '../api/client';

/** A supervision (督办) or urge (催办) case, as GET /api/tickets/:id/supervision-cases returns it. */
export interface SupervisionCase {
  id: string;
  ticketId: string;
  ticketNumber?: string;
  unitId: string;
  unitName?: string;
  kind: 'urge' | 'supervision';
  source: 'system' | 'supervisor';
  reason: string | null;
  raisedAt: string;
  responseDueAt: string | null;
  respondedAt: string | null;
  responseText: string | null;
  closedAt: string | null;
  status: 'open' | 'responded' | 'closed';
  late: boolean;
}

export interface SupervisionReportRow {
  unitId: string;
  unitName: string;
  urges: number;
  supervisionsBySupervisor: number;
  supervisionsBySystem: number;
  responded: number;
  respondedLate: number;
  open: number;
  openOverdue: number;
  firstResponseDue: number;
  firstResponseOverdue: number;
}

const t = (id: string) => encodeURIComponent(id);
export const supervisionApi = {
  ofTicket: (ticketId: string) => get<SupervisionCase[]>(`/api/tickets/${t(ticketId)}/supervision-cases`),
  list: (status?: 'open' | 'responded' | 'closed') => get<SupervisionCase[]>(`/api/supervision-cases${query({ status })}`),
  urge: (ticketId: string, note: string) => post<SupervisionCase>(`/api/tickets/${t(ticketId)}/urge`, { note }),
  supervise: (ticketId: string, note: string) => post<SupervisionCase>(`/api/tickets/${t(ticketId)}/supervise`, { note }),
  feedback: (ticketId: string, text: string) => post<unknown>(`/api/tickets/${t(ticketId)}/feedback`, { text }),
  respond: (caseId: string, text: string) => post<SupervisionCase>(`/api/supervision-cases/${t(caseId)}/respond`, { text }),
  close: (caseId: string, note: string) => post<SupervisionCase>(`/api/supervision-cases/${t(caseId)}/close`, note ? { note } : {}),
  report: (from?: string, to?: string) => get<SupervisionReportRow[]>(`/api/reports/supervision${query({ from, to })}`),
};
