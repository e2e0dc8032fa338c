import { get, post, put, query, request } from '../../api/client';

/** Shapes of the administration answers (server/dispatch/admin-routes.ts, identity/admin-routes.ts, sla, knowledge, classifier). */
export const UNIT_KINDS = ['centre', 'city_gov', 'district_gov', 'street', 'functional', 'utility'] as const;
export const ROLES = ['agent', 'dispatcher', 'supervisor', 'unit_clerk', 'admin'] as const;

export interface AdminUnit {
  id: string;
  code: string;
  name: string;
  kind: string;
  parentId: string | null;
  regionCode: string;
  regionName: string | null;
  active: boolean;
  users: number;
  leadRules: number;
}
export interface Region {
  code: string;
  name: string;
  parentCode: string | null;
  level: string;
}
export interface Category {
  code: string;
  name: string;
  parentCode: string | null;
  level: number;
  version?: number;
}
export interface AdminUser {
  id: string;
  username: string;
  displayName: string;
  role: string;
  unitId: string | null;
  unitName: string | null;
  phoneExtension: string | null;
  active: boolean;
  failedLogins: number;
  lockedUntil: string | null;
  mfa: { enabled: boolean; enabledAt: string | null; recoveryCodesLeft: number };
  liveSessions: number;
  createdAt: string;
}
export interface DispatchRule {
  id: string;
  categoryCode: string;
  regionCode: string;
  leadUnitId: string;
  assistingUnitIds: string[];
  note: string | null;
  active: boolean;
}
export interface RouteUnit {
  id: string;
  name: string;
  kind: string;
  regionCode: string;
}
export interface RouteProposal {
  ruleId: string | null;
  reason: string;
  leadUnit: RouteUnit;
  assistingUnits: RouteUnit[];
  notes: string[];
}
export interface SlaPolicyRow {
  id: string;
  name: string;
  regionCode: string;
  appealType: string;
  urgency: string;
  rules: Record<string, unknown>;
  active: boolean;
}
export interface HolidayRow {
  date: string;
  kind: 'holiday' | 'workday';
  name: string;
}
export interface Article {
  id: string;
  title: string;
  body?: string;
  excerpt?: string;
  categoryCode: string | null;
  validFrom: string | null;
  validTo: string | null;
  ownerUnitId: string | null;
  usageCount: number;
  active: boolean;
  updatedAt?: string;
}
export interface ClassifierState {
  modelVersion: string | null;
  agreement: { month: string; category: string; confirmed: number; corrected: number; agreement: number }[];
}

const d = <T>(p: Promise<{ data: T }>) => p.then((r) => r.data);

export const adminApi = {
  units: () => d(get<AdminUnit[]>('/api/admin/units')),
  createUnit: (b: Record<string, unknown>) => d(post<AdminUnit>('/api/admin/units', b)),
  updateUnit: (id: string, b: Record<string, unknown>) => d(put<AdminUnit>(`/api/admin/units/${id}`, b)),
  regions: () => d(get<Region[]>('/api/regions')),
  categories: () => d(get<Category[]>('/api/categories?all=true')),

  users: () => d(get<AdminUser[]>('/api/admin/users')),
  createUser: (b: Record<string, unknown>) => d(post<{ id: string; oneTimePassword: string }>('/api/admin/users', b)),
  updateUser: (id: string, b: Record<string, unknown>) => d(put<{ id: string }>(`/api/admin/users/${id}`, b)),
  resetPassword: (id: string) => d(post<{ id: string; oneTimePassword: string }>(`/api/admin/users/${id}/reset-password`, {})),
  unlock: (id: string) => d(post<{ id: string }>(`/api/admin/users/${id}/unlock`, {})),
  resetMfa: (id: string) => d(post<{ id: string }>(`/api/admin/users/${id}/reset-mfa`, {})),

  rules: () => d(get<DispatchRule[]>('/api/admin/dispatch-rules')),
  createRule: (b: Record<string, unknown>) => d(post<DispatchRule>('/api/admin/dispatch-rules', b)),
  updateRule: (id: string, b: Record<string, unknown>) => d(put<DispatchRule>(`/api/admin/dispatch-rules/${id}`, b)),
  deactivateRule: (id: string) => request<void>('DELETE', `/api/admin/dispatch-rules/${id}`),
  testRoute: (categoryCode: string, regionCode: string | null) => d(post<RouteProposal>('/api/admin/dispatch-rules/test', { categoryCode, regionCode })),

  slaPolicies: () => d(get<SlaPolicyRow[]>('/api/admin/sla-policies')),
  savePolicy: (b: Record<string, unknown>) => d(put<SlaPolicyRow>('/api/admin/sla-policies', b)),
  applyPreset: (name: string, regionCode: string) => d(post<{ applied: number }>('/api/admin/sla-policies/preset', { name, regionCode })),
  holidays: (year: number) => d(get<HolidayRow[]>(`/api/admin/holidays/${year}`)),
  saveHolidays: (year: number, rows: HolidayRow[]) => d(put<{ year: number; rows: number; recomputed: unknown }>(`/api/admin/holidays/${year}`, { rows })),

  articles: (q?: string) => d(get<Article[]>(`/api/knowledge/articles${query({ q, limit: 100, includeRetired: true })}`)),
  article: (id: string) => d(get<Article>(`/api/knowledge/articles/${id}`)),
  createArticle: (b: Record<string, unknown>) => d(post<Article>('/api/knowledge/articles', b)),
  updateArticle: (id: string, b: Record<string, unknown>) => d(request<Article>('PATCH', `/api/knowledge/articles/${id}`, b)),
  retireArticle: (id: string) => d(request<Article>('DELETE', `/api/knowledge/articles/${id}`)),

  classifier: () => d(get<ClassifierState>('/api/admin/classifier')),
  reloadClassifier: () => d(post<{ modelVersion: string }>('/api/admin/classifier/reload', {})),
};

export const TEMPLATE_CHANNELS = ['sms', 'wechat', 'mail'] as const;
export interface MessageTemplate {
  id: string;
  code: string;
  channel: string;
  name: string;
  subject: string | null;
  body: string;
  variables: string[];
  active: boolean;
  updatedAt: string;
  /** The variables this notice's sender fills in; null for a code nothing sends yet. */
  knownVariables?: readonly string[] | null;
}
export interface Snippet {
  id: string;
  kind: 'agent_phrase' | 'unit_reply';
  title: string;
  body: string;
  categoryCode: string | null;
  sort: number;
  active: boolean;
}

export const textsApi = {
  templates: () => d(get<MessageTemplate[]>('/api/admin/message-templates')),
  createTemplate: (b: Record<string, unknown>) => d(post<MessageTemplate>('/api/admin/message-templates', b)),
  updateTemplate: (id: string, b: Record<string, unknown>) => d(put<MessageTemplate>(`/api/admin/message-templates/${id}`, b)),
  snippets: (kind: string) => d(get<Snippet[]>(`/api/admin/text-snippets${query({ kind })}`)),
  createSnippet: (b: Record<string, unknown>) => d(post<Snippet>('/api/admin/text-snippets', b)),
  updateSnippet: (id: string, b: Record<string, unknown>) => d(put<Snippet>(`/api/admin/text-snippets/${id}`, b)),
};

/** The `{name}` placeholders a text uses (the server's rule, server/texts/placeholders.ts, decides on save). */
export const placeholders = (text: string) => [...new Set([...text.matchAll(/\{([A-Za-z][A-Za-z0-9_]{0,31})\}/g)].map((m) => m[1]))];

export interface CategoryVersion {
  version: number;
  label: string;
  source: string;
  createdAt: string;
  nodes: number;
}
export interface CategoryDiff {
  from: number;
  to: number;
  added: Category[];
  removed: Category[];
  renamed: { code: string; from: string; to: string }[];
  moved: { code: string; name: string; fromParent: string | null; toParent: string | null }[];
}
export const catalogApi = {
  versions: () => d(get<CategoryVersion[]>('/api/admin/category-versions')),
  nodes: (version: number) => d(get<Category[]>(`/api/admin/category-versions/${version}/categories`)),
  diff: (from: number, to: number) => d(get<CategoryDiff>(`/api/admin/category-diff${query({ from, to })}`)),
  exportUrl: (version: number) => `/api/admin/category-versions/${version}/export`,
  preview: (csv: string) => d(post<ImportPreview>('/api/admin/category-versions/preview', { csv })),
  importCsv: (csv: string, label: string) => d(post<{ version: number; nodes: number; mapped: number }>('/api/admin/category-versions/import', { csv, label })),
  mapping: (version: number) => d(get<VersionMapping>(`/api/admin/category-versions/${version}/mapping`)),
  tags: () => d(get<CategoryTag[]>('/api/tags?all=true')),
  saveTag: (code: string, b: { name: string; kind: string; active: boolean }) => d(put<CategoryTag>(`/api/admin/tags/${code}`, b)),
};

export interface CodePair {
  fromCode: string;
  fromName: string;
  toCode: string;
  toName: string;
}
/** What an import would change against the newest version (server/catalog/use-cases/category-versions.ts previewCategoryCsv). */
export interface ImportPreview {
  baseVersion: number | null;
  nodes: number;
  added: { code: string; name: string; parentCode: string | null }[];
  renamed: CodePair[];
  moved: { code: string; name: string; fromParent: string | null; toParent: string | null }[];
  retired: { code: string; name: string }[];
  mapping: CodePair[];
}
export interface VersionMapping {
  version: number;
  pairs: (CodePair & { fromVersion: number })[];
  retired: { code: string; name: string }[];
}
export const TAG_KINDS = ['place_time', 'who', 'nature', 'governance'] as const;
export interface CategoryTag {
  code: string;
  name: string;
  kind: string;
  active: boolean;
}
