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
// Each entry is a regular-expression source (most are plain words). They cover the phrasings the
// four lines' own intake guides list: traffic accidents with or without injuries, vehicles blocking
// the road and drunk driving now (122); crimes in progress, fights, missing children (110); fire,
// smoke, gas leaks, people trapped (119); unconsciousness, not breathing, poisoning, severe bleeding
// (120). `classifier/data/emergency-phrasings.jsonl` measures them (README: recall / false alarms).
const PATTERNS: [EmergencyLine, string[]][] = [
  [
    '119',
    [
      '着火',
      '起火',
      '失火',
      '火灾',
      '大火',
      '火势',
      '烧起来',
      '烧了起来',
      '烧着了',
      '着了火',
      '冒火',
      '火苗',
      '火光',
      '明火',
      '冒烟',
      '浓烟',
      '烟很大',
      '好大的烟',
      '全是烟',
      '燃气泄漏',
      '煤气泄漏',
      '天然气泄漏',
      '液化气泄漏',
      '燃气管.{0,3}(破|断|漏)',
      '漏气',
      '漏煤气',
      '漏燃气',
      '漏天然气',
      '煤气味',
      '燃气味',
      '天然气味',
      '液化气味',
      '爆炸',
      '(燃气|煤气|锅炉|电瓶|电动车|罐|瓶)(爆)?炸了',
      '被困',
      '困在(电梯|屋|房间|楼|车|水|火|里面)',
      '电梯困人',
      '卡在电梯',
      '关在电梯',
      '电梯.{0,4}(卡住|停住|掉下|坠落).{0,6}(人|出不来)',
      '出不来了',
    ],
  ],
  [
    '120',
    [
      '昏迷',
      '晕倒',
      '昏倒',
      '晕过去',
      '昏过去',
      '晕厥',
      '不省人事',
      '休克',
      '叫不醒',
      '失去意识',
      '意识不清',
      '倒地不起',
      '倒在地上',
      '摔倒.{0,4}(起不来|不动|流血)',
      '呼吸困难',
      '没有呼吸',
      '没呼吸',
      '不呼吸',
      '喘不上气',
      '喘不过气',
      '没气了',
      '心跳停止',
      '没有心跳',
      '没心跳',
      '心脏病发',
      '心脏骤停',
      '突发(心梗|脑梗|中风|心脏病)',
      '(心梗|脑梗|中风)了',
      '大出血',
      '流血不止',
      '血流不止',
      '止不住血',
      '(一直|不停)(在)?(流|出)血',
      '流了(很多|好多|一地|一大摊)血',
      '大量出血',
      '满身是血',
      '满脸是血',
      '抽搐',
      '口吐白沫',
      '中毒',
      '一氧化碳',
      '割腕',
      '自杀',
      '轻生',
      '服毒',
      '喝农药',
      '喝了农药',
      '吃了.{0,4}安眠药',
      '吞了.{0,6}(药|电池|硬币)',
      '误服',
      '误食',
      '跳楼',
      '跳河',
      '跳江',
      '溺水',
      '落水',
      '掉进(水|河|湖|井)',
      '触电',
      '快不行了',
      '生命垂危',
      '(叫|派|来)(一)?(辆)?救护车',
      '救护车.{0,3}(快|马上)',
      '需要急救',
      '(打|叫|拨)了?120',
    ],
  ],
  [
    '122',
    [
      '车祸',
      '交通事故',
      '撞车',
      '被车撞',
      '车撞了',
      '车子撞了',
      '撞了车',
      '撞到(了)?(人|车|护栏|电线杆|树|墙)',
      '撞人',
      '撞上(了)?',
      '追尾',
      '翻车',
      '侧翻',
      '肇事逃逸',
      '撞.{0,4}跑了',
      '连环相撞',
      '相撞',
      '撞倒',
      '碾压',
      '刮蹭',
      '剐蹭',
      '(堵|横|挡|停|卡)在(了)?(路|马路|路口|道路|桥|隧道|高速|匝道)(中间|中央|上|当中|口)',
      '(堵|挡)住了?(整条|整个|半条)?(路|马路|道路|车道|路口)',
      '(抛锚|熄火|趴窝)在.{0,4}(路|高速|隧道|桥)',
      '车.{0,4}(抛锚|趴窝).{0,6}(路中间|车道|高速)',
      '酒驾',
      '醉驾',
      '酒后驾(驶|车)',
      '醉酒驾(驶|车)',
      '喝(了|醉了)?(很多|好多)?酒.{0,6}(开车|驾车|开走|上路)',
      '喝醉.{0,4}(开车|驾车)',
      '交警.{0,4}(马上|赶紧|赶快|快点|快|速)(过)?来',
      '(叫|请|让|派)交警(马上|赶紧|快|过来|来)',
    ],
  ],
  [
    '110',
    [
      '持刀',
      '拿刀',
      '拿着刀',
      '动刀',
      '砍人',
      '捅人',
      '被捅',
      '持枪',
      '开枪',
      '抢劫',
      '抢东西',
      '抢包',
      '抢手机',
      '被抢',
      '抢了.{0,4}(包|手机|钱|东西|项链)',
      '入室盗窃',
      '(正|还)在偷',
      '撬.{0,6}(门|锁|车|窗)',
      '砸(车|门|窗|店)',
      '绑架',
      '杀人',
      '劫持',
      '强奸',
      '猥亵',
      '打人',
      '斗殴',
      '打架',
      '打群架',
      '打起来',
      '互殴',
      '围殴',
      '家暴',
      '打(老婆|妻子|老公|媳妇)',
      '被(人)?打(了|伤)',
      '喊救命',
      '呼救',
      '殴打',
      '闯入',
      '非法拘禁',
      '威胁.{0,3}(杀了|砍死|弄死|杀死)',
      '(孩子|小孩|儿子|女儿|孙子|孙女|宝宝|老人).{0,10}(走丢|丢了|不见了|找不到|抱走|拐走)',
      '走丢',
      '走失',
      '失踪',
      '拐走',
      '拐卖',
      '人贩子',
      '(跟踪|尾随)(我|她|他)',
      '(翻墙|爬窗|撬窗)(进|到)',
    ],
  ],
];

// A clause that talks about these is about the past, a habit ("交通事故频发"), a hypothesis
// ("假如发生火灾") or prevention/inspection, not an event happening now. The habitual and
// hypothetical words were added after reading what the first draft flagged in 附件3 (198 of
// 4,904 messages, nearly all of this kind; see README). Enforcement words (整治, 严查 …) mark a
// suggestion about a kind of offence ("严查酒驾"), not one happening.
const PAST_OR_GENERIC =
  /(频发|多发|经常|常年|时常|常常|多次|屡次|频繁|每次|每天|天天|每晚|每到|长期|整天|总是|假如|假设|万一|如果|一旦|若|担心|害怕|以免|避免|防止|要等|等到|才来|事件|事故率|上周|上个?月|上次|去年|前年|前几天|前天|昨天|昨晚|之前|以前|曾经|当时|那次|那天|年前|月前|天前|周前|已经?(被)?(扑灭|灭了|处理|解决|结束|脱险|送医|抢救过来|找到)|事后|后来|[0-9０-９]+年[0-9０-９]+月|[0-9０-９]+月[0-9０-９]+日|(发生|出)过|隐患|预防|防范|演练|宣传|培训|检查|整改|整治|严查|查处|打击|严惩|赔偿|理赔|保险|责任认定|事故认定|鉴定|处理结果|电视剧|电影|新闻|小说|游戏|前段时间|前些(天|日子)|前阵子|当年|之后|以后|过后|后的|请问|咨询|投诉|态度|报销|补助|补贴|收费|费用|谁来负责|吊销|驾照|(有|存在).{0,6}(危险|风险))/;
const NEGATION_BEFORE = /(没有|没|并未|未|不是|并非|无|不会|防止|避免|以免|怕|担心|万一|如果|一旦|容易|可能)$/;
// Signals that override a past/generic reading: someone is in danger right now. Deliberately
// narrow: "现在" or "立即" also appear in "上周着火的楼现在还没修好" and "请立即处理".
const NOW = /(正在|刚刚|刚才|此刻|赶快来|快来人|快过来|马上过来|赶紧过来|救命|求救|还在烧|火还在|仍在燃烧)/;

const CLAUSE = /[^。！？!?；;\n]+/g;
// Every pattern compiled once at load, with its line; index = pattern id.
const COMPILED: { line: EmergencyLine; re: RegExp }[] = PATTERNS.flatMap(([line, terms]) => terms.map((t) => ({ line, re: new RegExp(t, 'g') })));

/**
 * The literal strings one of which must occur for `pattern` to match: the pattern is cut at its
 * optional parts (`x?`, `(…)?`, `.{0,n}`), each piece expanded into its literals, and the piece with
 * the longest shortest literal kept (ties: the later piece, usually the specific word). Only the
 * syntax used in PATTERNS is understood: literals, flat `(a|b)` groups, `?` and `.{0,n}`.
 */
export function requiredLiterals(pattern: string): string[] {
  const pieces: string[][][] = [[]];
  for (let i = 0; i < pattern.length;) {
    const c = pattern[i];
    if (c === '(') {
      const close = pattern.indexOf(')', i);
      if (pattern[close + 1] === '?') {
        pieces.push([]);
        i = close + 2;
      } else {
        pieces[pieces.length - 1].push(pattern.slice(i + 1, close).split('|'));
        i = close + 1;
      }
    } else if (c === '.') {
      pieces.push([]);
      i = pattern.indexOf('}', i) + 1;
    } else if (pattern[i + 1] === '?') {
      pieces.push([]);
      i += 2;
    } else {
      pieces[pieces.length - 1].push([c]);
      i++;
    }
  }
  let best: string[] = [];
  let bestLen = 0;
  for (const piece of pieces) {
    if (!piece.length) continue;
    let literals = [''];
    for (const alternatives of piece) literals = literals.flatMap((l) => alternatives.map((a) => l + a));
    const shortest = Math.min(...literals.map((l) => l.length));
    if (shortest >= bestLen) {
      best = literals;
      bestLen = shortest;
    }
  }
  return best;
}

// The prefilter: a trie of every pattern's required literals, scanned once per text (an
// Aho-Corasick-style pass without failure links; the literals are 1–5 characters), that yields the
// ids of the patterns worth running. Most appeals contain none and skip the regexes entirely; the
// others run only the few patterns whose literal occurs. One big alternation cost ~10 µs an appeal
// (5 % of the budget at 5,000 appeals/s); this costs ~4.
interface TrieNode {
  next: Map<number, TrieNode>;
  patterns: number[];
}
const TRIE: TrieNode = { next: new Map(), patterns: [] };
// One bit per UTF-16 code that begins a literal (8 KB, stays in cache): most characters skip the trie.
const STARTS = new Uint32Array(2048);
COMPILED.forEach(({ re }, id) => {
  for (const literal of requiredLiterals(re.source)) {
    const c0 = literal.charCodeAt(0);
    STARTS[c0 >>> 5] |= 1 << (c0 & 31);
    let node = TRIE;
    for (let k = 0; k < literal.length; k++) {
      const code = literal.charCodeAt(k);
      let child = node.next.get(code);
      if (!child) node.next.set(code, (child = { next: new Map(), patterns: [] }));
      node = child;
    }
    if (!node.patterns.includes(id)) node.patterns.push(id);
  }
});

/** Ids of the patterns whose required literal occurs in the text (unsorted, may repeat), or null. */
function candidatePatterns(text: string): number[] | null {
  let found: number[] | null = null;
  for (let i = 0; i < text.length; i++) {
    const first = text.charCodeAt(i);
    if (!(STARTS[first >>> 5] & (1 << (first & 31)))) continue;
    let node = TRIE.next.get(first);
    for (let j = i + 1; node; j++) {
      if (node.patterns.length) (found ??= []).push(...node.patterns);
      if (j >= text.length) break;
      node = node.next.get(text.charCodeAt(j));
    }
  }
  return found;
}

function negatedBefore(clause: string, at: number): boolean {
  const before = clause.slice(Math.max(0, at - 4), at);
  for (let k = 0; k < before.length; k++) if (NEGATION_BEFORE.test(before.slice(0, before.length - k))) return true;
  return false;
}

/** Every emergency keyword hit that survives the negation and past-event checks. */
export function findEmergencies(text: string): EmergencyEvidence[] {
  const evidence: EmergencyEvidence[] = [];
  const candidates = candidatePatterns(text);
  if (!candidates) return evidence;
  // Pattern ids follow PATTERNS' order, so sorting keeps the lines' tie order.
  const ids = [...new Set(candidates)]
    .sort((x, y) => x - y)
    .filter((id) => {
      const re = COMPILED[id].re;
      re.lastIndex = 0;
      return re.test(text);
    });
  if (!ids.length) return evidence;
  for (const clauseMatch of text.matchAll(CLAUSE)) {
    const clause = clauseMatch[0];
    const clauseStart = clauseMatch.index!;
    let isNow: boolean | undefined;
    let skip: boolean | undefined;
    const doneLines = new Set<EmergencyLine>();
    for (const id of ids) {
      const { line, re } = COMPILED[id];
      if (doneLines.has(line)) continue;
      re.lastIndex = 0;
      for (const m of clause.matchAll(re)) {
        if (skip === undefined) {
          isNow = NOW.test(clause);
          skip = PAST_OR_GENERIC.test(clause) && !isNow;
        }
        if (skip) break;
        const at = m.index!;
        const term = m[0];
        // "着火的楼" / "车祸的处理" — the event used as an attribute is being referred to, not reported.
        const attributive = clause.charAt(at + term.length) === '的' && !isNow;
        if (!attributive && !negatedBefore(clause, at)) {
          evidence.push({ line, term, clause: clause.trim(), start: clauseStart + at });
          doneLines.add(line);
          break;
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
