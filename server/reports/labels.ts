/**
 * Chinese names for what a report export shows: a centre's spreadsheet names units, dimensions and
 * counters in Chinese, never by UUID or English key. '-' (the event had no unit or category yet,
 * e.g. intake before classification) gets a name that says so.
 */
import type { Counter } from './tables';

export const DIM_ZH: Record<string, string> = {
  unit: '承办单位',
  category: '诉求分类',
  region: '行政区划',
  channel: '受理渠道',
  month: '月份',
  day: '日期',
};

const NONE_ZH: Record<string, string> = { unit: '无承办单位', category: '未分类', region: '未知区划', channel: '未知渠道' };

const CHANNEL_ZH: Record<string, string> = {
  phone: '电话',
  web: '网站',
  wechat: '微信',
  app: 'App',
  email: '电子邮件',
  sms: '短信',
  open311: '开放接口',
  exchange: '省市平台',
  api: '接口',
};

export const COUNTER_ZH: Record<Counter, string> = {
  received: '受理量',
  direct_answered: '直办量',
  dispatched: '派单量',
  signed: '签收量',
  signed_on_time: '按时签收量',
  replied: '答复量',
  closed: '办结量（派单）',
  closed_on_time: '按时办结量',
  handling_seconds: '办理时长合计（秒）',
  returns: '退单量',
  reopens: '重办量',
  extensions: '延期量',
  overdue: '超期量',
  callbacks_answered: '回访有效答复量',
  callbacks_solved: '回访已解决量',
  callbacks_partly: '回访部分解决量',
  rated: '评价量',
  r1: '非常不满意',
  r2: '不满意',
  r3: '基本满意',
  r4: '满意',
  r5: '非常满意',
  bad_reviews: '差评量',
  excluded_reviews: '剔除差评量',
  calls_offered: '呼入量',
  calls_answered: '接通量',
  call_wait_seconds: '等待时长合计（秒）',
  call_talk_seconds: '通话时长合计（秒）',
  contacted: '联系诉求人量',
  contacted_on_time: '按时签收并联系量',
  responded_on_time: '按时响应量',
  recalled: '响应前撤回量',
};

/** The label of a row/column key in an export: its name, else a readable stand-in, never a bare UUID. */
export function keyLabel(dim: string, k: { key: string; name: string | null }): string {
  if (k.name) return k.name;
  if (k.key === '-') return NONE_ZH[dim] ?? '未知';
  if (dim === 'channel') return CHANNEL_ZH[k.key] ?? k.key;
  return dim === 'unit' ? '（已删除的单位）' : k.key;
}
