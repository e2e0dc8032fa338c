import { get, post, put, query } from '../../../api/client';

/** Shapes of server/hotlines/routes.ts answers. */
export const LINE_MODES = ['main', 'merged', 'kept', 'linked', 'cancelled'] as const;
export type LineMode = (typeof LINE_MODES)[number];
export interface HotlineLine {
  number: string;
  name: string;
  replacedDepartment: string | null;
  mode: LineMode;
  modeName: string;
  defaultCategoryCode: string | null;
  defaultCategoryName: string | null;
  defaultUnitCode: string | null;
  defaultUnitName: string | null;
  reportingTag: string | null;
  announcement: string | null;
  active: boolean;
}
export interface LineReportRow {
  number: string;
  name: string | null;
  modeName: string | null;
  reportingTag: string | null;
  known: boolean;
  callsOffered: number;
  callsAnswered: number;
  tickets: number;
}
export interface Linkage {
  id: string;
  ticketId: string;
  ticketNumber: string;
  title: string;
  line: string;
  targetCentre: string;
  status: 'transferred' | 'acknowledged' | 'followed_up';
  transferredAt: string;
  transferSeconds: number;
  transferLate: boolean;
  acknowledgedBy: string | null;
  followUpDueAt: string;
  followUpOverdue: boolean;
}
export interface LinkageFigures {
  targetMinutes: number;
  total: number;
  withinTarget: number;
  withinTargetRate: number | null;
  byLine: {
    line: string;
    transfers: number;
    withinTargetRate: number | null;
    medianTransferSeconds: number | null;
    acknowledged: number;
    followedUp: number;
    open: number;
  }[];
}
/** 保留对接: an order with a kept department platform (server/hotlines/kept-platforms.ts). */
export interface PlatformOrder {
  orderId: string;
  ticketId: string;
  ticketNumber: string;
  title: string;
  platformUnit: string;
  state: 'none' | 'dispatched' | 'signed' | 'replied';
  pushedAt: string;
  replyDueAt: string | null;
  overdue: boolean;
  delivery: 'pending' | 'delivered' | 'failed' | 'dead';
}
export interface PlatformFigures {
  platformUnit: string;
  peerId: string;
  pushed: number;
  signed: number;
  replied: number;
  closed: number;
  returned: number;
  repliedLate: number;
  open: number;
  medianReplyHours: number | null;
  onTimeReplyRate: number | null;
  /** False when the platform's exchange peer is not configured: nothing dispatched to it reaches it. */
  connected: boolean;
  /** Dispatches of the period that never became an order for want of a configured peer (未配置对接). */
  unconfigured: number;
}
export const FOLLOW_UP_OUTCOMES = ['handled', 'in_progress', 'citizen_unreachable', 'not_handled'] as const;

export const hotlinesApi = {
  lines: () => get<HotlineLine[]>('/api/hotline-lines').then((r) => r.data),
  saveLine: (number: string, body: Record<string, unknown>) => put<HotlineLine>(`/api/admin/hotline-lines/${encodeURIComponent(number)}`, body),
  importCsv: (csv: string) => post<{ created: number; updated: number }>('/api/admin/hotline-lines/import', { csv }).then((r) => r.data),
  exportUrl: '/api/admin/hotline-lines/export',
  lineReport: (from: string, to: string) => get<LineReportRow[]>(`/api/reports/lines${query({ from, to })}`).then((r) => r.data),
  linkages: () => get<Linkage[]>('/api/emergency-linkages').then((r) => r.data),
  acknowledge: (id: string, acknowledgedBy: string, note?: string) =>
    post<Linkage>(`/api/emergency-linkages/${id}/acknowledge`, { acknowledgedBy, ...(note ? { note } : {}) }),
  followUp: (id: string, outcome: string, note: string) => post(`/api/emergency-linkages/${id}/follow-up`, { outcome, note }),
  platformOrders: () => get<PlatformOrder[]>('/api/kept-platform-orders').then((r) => r.data),
  platformFigures: (from: string, to: string) => get<PlatformFigures[]>(`/api/reports/kept-platforms${query({ from, to })}`).then((r) => r.data),
  linkageFigures: (from: string, to: string) => get<LinkageFigures>(`/api/reports/emergency-linkages${query({ from, to })}`).then((r) => r.data),
};

export const minutesSeconds = (s: number) => `${Math.floor(s / 60)}:${String(s % 60).padStart(2, '0')}`;
