import { get, query } from '../../../api/client';

/** Shapes of server/reports/routes.ts answers (see server/reports/README.md). */
export type MeasureKind = 'ratio' | 'count' | 'average';
export interface Measure {
  code: string;
  name: string;
  nameEn: string;
  kind: MeasureKind;
  definition: string;
  /** The shipped definition in English; null when the centre rewrote the definition (its own text is shown as written). */
  definitionEn: string | null;
  /** Σ weight × counter over Σ weight × counter (server/reports/measures.ts); no denominator for counts. */
  numerator: Record<string, number>;
  denominator: Record<string, number> | null;
  lowerIsBetter: boolean;
}
/** The wall's queue counts (server/reports/queue-counts.ts). */
export interface QueueCounts {
  calls: {
    waiting: number;
    longestWaitSeconds: number | null;
    offered: number;
    answered: number;
    abandoned: number;
    serviceLevel: number | null;
    serviceLevelSeconds: number;
    averageWaitSeconds: number | null;
  };
  byStatus: Record<string, number>;
  overdue: number;
  nearDeadline: number;
  nearDeadlineHours: number;
}
export type Figures = Record<string, number | null>;
export interface ReportRow {
  key: string;
  name: string | null;
  period: string | null;
  counters: Record<string, number>;
  figures: Figures;
}
export interface MeasuresReport {
  measures: Measure[];
  rows: ReportRow[];
  total: { counters: Record<string, number>; figures: Figures };
}
export interface LeagueRow {
  rank: number | null;
  unitId: string;
  name: string | null;
  value: number | null;
  figures: Figures;
}
export interface League {
  measure: Measure;
  measures: Measure[];
  rows: LeagueRow[];
}
export interface HotspotCluster {
  regionCode: string;
  count: number;
  previousCount: number;
  growth: number;
  terms: string[];
  representatives: { id: string; title: string; text?: string }[];
}
export interface Hotspots {
  from: string;
  to: string;
  messages: number;
  truncated: boolean;
  method: string;
  clusters: HotspotCluster[];
}
export interface VolumeRow {
  key: string;
  name: string | null;
  count: number;
}
export interface TodayVolume {
  day: string;
  total: number;
  byChannel: VolumeRow[];
  byCategory: VolumeRow[];
}
export interface Region {
  code: string;
  name: string;
  level: string;
}

export type GroupBy = 'unit' | 'category' | 'region' | 'channel';
export interface CrossPair {
  rows: GroupBy;
  cols: GroupBy | 'month' | 'day';
}
interface Summed {
  counters: Record<string, number>;
  figures: Figures;
}
/** GET /api/reports/cross: rows × cols with every measure per cell (server/reports/queries.ts crossReport). */
export interface CrossTable {
  rows: { key: string; name: string | null; total: Summed }[];
  cols: { key: string; name: string | null; total: Summed }[];
  cells: ({ row: string; col: string } & Summed)[];
  total: Summed;
}
export interface Period {
  from: string;
  to: string;
}

/** The xlsx of a table is the same GET with format=xlsx; the session cookie authorises the download. */
export const reportUrls = {
  measures: (p: Period & { by: GroupBy; period?: 'all' | 'month' | 'day' }, format?: 'xlsx') => `/api/reports/measures${query({ ...p, format })}`,
  league: (p: Period & { measure: string }, format?: 'xlsx') => `/api/reports/league${query({ ...p, format })}`,
  hotspots: (p: Period & { region?: string }, format?: 'xlsx') => `/api/reports/hotspots${query({ ...p, format })}`,
  cross: (p: Period & CrossPair & { value?: string }, format?: 'xlsx') => `/api/reports/cross${query({ ...p, format })}`,
};

export const reportsApi = {
  measures: (p: Parameters<typeof reportUrls.measures>[0]) => get<MeasuresReport>(reportUrls.measures(p)).then((r) => r.data),
  league: (p: Parameters<typeof reportUrls.league>[0]) => get<League>(reportUrls.league(p)).then((r) => r.data),
  hotspots: (p: Parameters<typeof reportUrls.hotspots>[0]) => get<Hotspots>(reportUrls.hotspots(p)).then((r) => r.data),
  cross: (p: Period & CrossPair) => get<CrossTable>(reportUrls.cross(p)).then((r) => r.data),
  todayVolume: () => get<TodayVolume>('/api/reports/today-volume').then((r) => r.data),
  queueCounts: () => get<QueueCounts>('/api/reports/queue-counts').then((r) => r.data),
  regions: () => get<Region[]>('/api/regions').then((r) => r.data),
};
