/**
 * Emergency detection (domain.md §6: transfer to 110/119/120/122 at once).
 *
 * Recall matters more than precision: a false alarm costs an agent a glance, a missed fire costs
 * more. So any emergency keyword counts unless its own clause shows it is negated ("没有着火")
 * or over ("上周着火的楼", "去年的车祸", "火已经扑灭"). Dated references are common in 12345
 * messages (citizens complain about the handling of a past accident), which is why the past
 * check exists at all.
 */

export type EmergencyLine = '110' | '119' | '120' | '122';

export interface EmergencyEvidence {
  line: EmergencyLine;
  /** The keyword that matched, as written in the (normalised) text. */
  term: string;
  /** The clause around it, for the agent. */
  clause: string;
  start: number;
}

// Order matters only for ties in one clause: fire and medical before traffic before police.
// "报警" is not a keyword: a citizen saying they called the police is reporting what happened, and
// it appeared in 1 of 60 messages on the platform, none of them an emergency.
const KEYWORDS: [EmergencyLine, string[]][] = [
  ['119', ['着火', '起火', '失火', '火灾', '大火', '火势', '烧起来', '冒烟', '浓烟', '燃气泄漏', '煤气泄漏', '天然气泄漏', '漏气', '煤气味', '燃气味', '爆炸', '被困', '困在电梯', '电梯困人']],
  ['120', ['昏迷', '晕倒', '不省人事', '休克', '呼吸困难', '没有呼吸', '没呼吸', '心跳停止', '心脏病发', '大出血', '流血不止', '抽搐', '中毒', '割腕', '自杀', '服毒', '喝农药', '跳楼', '快不行了', '生命垂危', '急救', '救护车']],
  ['122', ['车祸', '交通事故', '撞车', '被车撞', '撞人', '追尾', '翻车', '肇事逃逸', '连环相撞', '撞倒']],
  ['110', ['持刀', '砍人', '抢劫', '抢东西', '入室盗窃', '正在偷', '绑架', '杀人', '劫持', '强奸', '打人', '斗殴', '打架', '家暴', '殴打', '闯入', '非法拘禁']],
];

// A clause that talks about these is about the past, a habit ("交通事故频发"), a hypothesis
// ("假如发生火灾") or prevention/inspection, not an event happening now. The habitual and
// hypothetical words were added after reading what the first draft flagged in 附件3 (198 of
// 4,904 messages, nearly all of this kind; see README).
const PAST_OR_GENERIC = /(频发|多发|经常|常年|时常|常常|多次|屡次|频繁|每次|每天|总是|假如|假设|万一|如果|一旦|若|担心|害怕|以免|避免|防止|要等|等到|才来|事件|事故率|上周|上个?月|上次|去年|前年|前几天|前天|昨天|昨晚|之前|以前|曾经|当时|那次|那天|年前|月前|天前|周前|已经?(被)?(扑灭|灭了|处理|解决|结束|脱险|送医|抢救过来)|事后|后来|[0-9０-９]+年[0-9０-９]+月|[0-9０-９]+月[0-9０-９]+日|(发生|出)过|隐患|预防|防范|演练|宣传|培训|检查|整改|赔偿|理赔|保险|责任认定|事故认定|鉴定|处理结果)/;
const NEGATION_BEFORE = /(没有|没|并未|未|不是|并非|无|不会|防止|避免|以免|怕|担心|万一|如果|一旦|容易|可能)$/;
// Signals that override a past/generic reading: someone is in danger right now. Deliberately
// narrow: "现在" or "立即" also appear in "上周着火的楼现在还没修好" and "请立即处理".
const NOW = /(正在|刚刚|刚才|此刻|赶快来|快来人|救命|求救|还在烧|火还在|仍在燃烧)/;

const CLAUSE = /[^。！？!?；;\n]+/g;
// Any keyword at all: most appeals have none, and this one scan lets them skip clause analysis.
const ANY_KEYWORD = new RegExp(KEYWORDS.flatMap(([, terms]) => terms).join('|'));

/** Every emergency keyword hit that survives the negation and past-event checks. */
export function findEmergencies(text: string): EmergencyEvidence[] {
  const evidence: EmergencyEvidence[] = [];
  if (!ANY_KEYWORD.test(text)) return evidence;
  for (const clauseMatch of text.matchAll(CLAUSE)) {
    const clause = clauseMatch[0];
    const clauseStart = clauseMatch.index!;
    const isNow = NOW.test(clause);
    const isPast = PAST_OR_GENERIC.test(clause);
    if (isPast && !isNow) continue;
    for (const [line, terms] of KEYWORDS) {
      for (const term of terms) {
        let at = clause.indexOf(term);
        while (at >= 0) {
          const before = clause.slice(Math.max(0, at - 4), at);
          // "着火的楼" / "车祸的处理" — the event used as an attribute is being referred to, not reported.
          const attributive = clause.slice(at + term.length, at + term.length + 1) === '的' && !isNow;
          const negated = [...Array(before.length).keys()].some((k) => NEGATION_BEFORE.test(before.slice(0, before.length - k)));
          if (!negated && !attributive) {
            evidence.push({ line, term, clause: clause.trim(), start: clauseStart + at });
            break;
          }
          at = clause.indexOf(term, at + term.length);
        }
      }
    }
  }
  return evidence;
}

/** The line to transfer to, or null. Earliest hit wins when several lines match (a fire with
 * injured people is still reported as it was first described). */
export function detectEmergency(text: string): { line: EmergencyLine | null; evidence: EmergencyEvidence[] } {
  const evidence = findEmergencies(text);
  if (evidence.length === 0) return { line: null, evidence };
  const first = evidence.reduce((a, b) => (b.start < a.start ? b : a));
  return { line: first.line, evidence };
}
