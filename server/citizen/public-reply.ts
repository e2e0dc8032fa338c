/**
 * What answer a citizen may read, in every public read (tracking page, WeChat page and menu,
 * Open311, the CTI screen pop's recent tickets) and nowhere else decided (issue 15, items 9, 11).
 *
 * The review gate (审核): a unit's reply is the centre's answer only once the centre accepts it
 * (replied → closed). Until then the citizen sees none, and a reply that was sent back is never
 * seen (send-back clears it). A direct answer (直办) is the centre's own. A merged caller (并单)
 * reads the main ticket's accepted answer. A declined appeal shows why, in the regulation's words
 * for its reason code, never the agent's internal note.
 */
import { sql, type SQL } from 'drizzle-orm';

/** SQL for the readable answer of the ticket aliased `t` (a text or null). */
export const citizenReplySql = (t: SQL = sql.raw('t')): SQL => sql`case
  when ${t}.merged_into_id is not null then (select coalesce(m.reply_text, m.answer_text) from tickets m
    where m.id = ${t}.merged_into_id and m.status in ('closed', 'archived'))
  when ${t}.status in ('closed', 'archived') then coalesce(${t}.reply_text, ${t}.answer_text)
  when ${t}.status = 'answered_directly' then ${t}.answer_text
  end`;

/**
 * The status a citizen is shown: a reply under the centre's review is still "in progress" for them
 * (they would otherwise learn of a reply they cannot read, or of one that is sent back).
 */
export const publicStatus = (status: string) => (status === 'replied' ? 'in_progress' : status);

/** Beijing art. 11's dispositions as the citizen is told them (tickets/use-cases/intake-dispositions.ts DECLINE_REASONS). */
export const DECLINE_TEXTS: Record<string, { zh: string; en: string }> = {
  statutory_route: {
    zh: '您反映的事项已有法定处理途径（诉讼、仲裁、行政复议、信访等），请通过相应途径依法提出。',
    en: 'The matter has a statutory route (court, arbitration, administrative review or petition); please raise it there.',
  },
  secret_or_privacy: {
    zh: '您反映的事项涉及国家秘密、商业秘密或个人隐私，热线不予受理。',
    en: 'The matter concerns state secrets, trade secrets or personal privacy, which the hotline cannot take up.',
  },
  outside_duty: {
    zh: '您反映的事项不属于政府部门职责范围，建议通过市场或社会渠道解决。',
    en: 'The matter is outside any government duty; market or social channels can help.',
  },
  illegal_request: { zh: '您的诉求违反法律法规或公序良俗，不予受理。', en: 'The request is against the law or public order and cannot be taken up.' },
  malicious_repeat: {
    zh: '您就同一事项反复来电且无新的情况，已按规定不再重复受理，原工单的办理结果仍然有效。',
    en: 'The same matter was raised repeatedly without new facts; the earlier ticket and its answer stand.',
  },
};

export const declineText = (code: string | null | undefined, lang: 'zh' | 'en' = 'zh') => (code ? (DECLINE_TEXTS[code]?.[lang] ?? null) : null);
