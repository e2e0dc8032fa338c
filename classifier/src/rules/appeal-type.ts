/**
 * Appeal type (诉求类型) rule layer: weighted cue patterns scored on title and body.
 *
 * The data has no type labels, so rules come first; they also produce the weak labels the
 * type model learns from (appeal-type-model.ts). A title is the citizen's own one-line
 * summary, so a cue there counts three times as much as the same cue in the body.
 */

export const APPEAL_TYPES = ['咨询', '求助', '投诉', '举报', '建议', '表扬', '其他'] as const;
export type AppealType = (typeof APPEAL_TYPES)[number];

interface Cue {
  type: AppealType;
  re: RegExp;
  weight: number;
}

const CUES: Cue[] = [
  // 表扬 praise: thanks is the point, not a polite closing ("谢谢！" after a complaint).
  { type: '表扬', re: /表扬|点赞|感谢信|致谢|锦旗|赞扬|称赞|好评|感谢.{0,20}(解决|帮助|关心|答复|回复|处理|拆除|关停|办理)/g, weight: 3 },
  { type: '表扬', re: /^感谢|^非常感谢|为.{1,15}点赞/g, weight: 3 },
  // 举报 report: wrongdoing by others, pointed out for enforcement.
  {
    type: '举报',
    re: /举报|传销|偷税|漏税|骗保|套取|贪污|受贿|行贿|腐败|黑幕|暗箱|保护伞|赌博|涉黑|黑恶|非法行医|无证经营|黑作坊|黑厂|造假|作弊|舞弊|违规补课|强制(性)?补课|补课|偷排|私挖|盗采|违法建|违建|严查|彻查|查处|打击/g,
    weight: 2,
  },
  // 投诉 complaint: harm to the writer by a service, business or neighbour.
  {
    type: '投诉',
    re: /投诉|乱收费|扰民|噪音|噪声|态度(恶劣|差|极差)|不作为|推诿|刁难|拖欠|克扣|欠薪|不发工资|侵犯|侵害|损害|污染|臭气|恶臭|刺鼻|维权|欺诈|诈骗|霸王|垄断|强行|强制|拒不|拒绝|无人(管|理|处理)|没人管|谁来管|不负责|坑坑洼洼|质量(差|问题)|漏水|停水|停电|违规|不合理|不公|质疑/g,
    weight: 1,
  },
  // 咨询 consult: a question asking for information.
  {
    type: '咨询',
    re: /咨询|请问|询问|想问|问一下|想了解|是否|能否|可否|有没有|能不能|可不可以|怎么办理|如何办理|怎样|怎么办|怎么(查|申请|交|缴|报销|领取|认定|确认)|政策规定/g,
    weight: 2,
  },
  // A question in the title is usually a request for information; in the body it is as often
  // rhetorical ("为什么没人管？"), so the bare question forms only count in the title (see
  // TITLE_ONLY).
  { type: '咨询', re: /什么时候|何时|多少|哪些|哪里|哪个部门|是什么|[吗么][？?]|[？?]$/g, weight: 1 },
  // Rhetorical questions are complaints: "为何无人管", "凭什么", "何时休".
  { type: '投诉', re: /为什么|为何|凭什么|难道|怎能|怎么能|何时休|何时了|谁来管|谁给的|有什么用|就这么难|还有没有/g, weight: 1 },
  // 求助 help: personal hardship.
  {
    type: '求助',
    re: /求助|求救|帮帮|救救|帮忙|请求(帮助|解决|救助)|恳请.{0,6}(帮|解决)|无家可归|走投无路|生活困难|困难家庭|看不起病|没钱|无力|救助|帮我/g,
    weight: 2,
  },
  // 建议 suggestion: a proposal.
  {
    type: '建议',
    re: /建议|提议|倡议|呼吁|进言|建言|献策|望采纳|希望(能|可以)?(增设|增加|开通|修建|建设|延长|设立|改|加快|加大)|应该(建|设|增|改)|应予|可否考虑|提请|申请报告|恳请.{0,8}(增设|开通|修建|建设)|(增设|开通|修建|延长|新建|安装).{0,10}(公交|路灯|天桥|通道|学校|公园|线路|红绿灯|斑马线)/g,
    weight: 2,
  },
  { type: '建议', re: /希望|应该|应当|得加强|加强|完善|需(要)?(硬化|整修|修建|改造)|请求(修改|督促|延长|增设)|请将|盼|改革|不完善|保障/g, weight: 1 },
];

const TITLE_ONLY = new Set(CUES.filter((c) => c.type === '咨询' && c.weight === 1));

export interface TypeScores {
  scores: Record<AppealType, number>;
  /** Cue strings that matched, with the type they voted for. */
  cues: { type: AppealType; text: string; inTitle: boolean }[];
}

export function scoreAppealType(title: string, content: string): TypeScores {
  const scores: Record<AppealType, number> = { 咨询: 0, 求助: 0, 投诉: 0, 举报: 0, 建议: 0, 表扬: 0, 其他: 0 };
  const cues: TypeScores['cues'] = [];
  if (title) scoreText(title, true, scores, cues);
  // The opening states the request; the rest is narrative.
  const opening = content.length > 600 ? content.slice(0, 600) : content;
  if (opening) scoreText(opening, false, scores, cues);
  return { scores, cues };
}

function scoreText(text: string, inTitle: boolean, scores: Record<AppealType, number>, cues: TypeScores['cues']): void {
  for (const cue of CUES) {
    if (!inTitle && TITLE_ONLY.has(cue)) continue;
    // exec on the shared regex rather than matchAll, which clones the regex on every call.
    const re = cue.re;
    re.lastIndex = 0;
    let first: string | undefined; // most cues match once or not at all: a Set only from the second match
    let seen: Set<string> | undefined;
    for (let m = re.exec(text); m; m = re.exec(text)) {
      const found = m[0];
      if (found === '') re.lastIndex++; // as matchAll does after an empty match
      if (first === undefined) first = found;
      else {
        seen ??= new Set([first]);
        if (seen.has(found)) continue; // a repeated word is one cue, not many
        seen.add(found);
      }
      scores[cue.type] += cue.weight * (inTitle ? 3 : 1);
      cues.push({ type: cue.type, text: found, inTitle });
    }
  }
}

/** Frequency order in the hand-labelled sample; used to break score ties. */
const TIE_ORDER: AppealType[] = ['投诉', '咨询', '建议', '举报', '求助', '表扬', '其他'];

export interface RuleTypeResult {
  type: AppealType;
  /** Winning score minus runner-up, in cue-weight units; 0 when nothing matched. */
  margin: number;
  cues: string[];
}

/** The rule layer's answer alone. With no cue at all the message is a complaint: it is the
 * most common type by far (about 45 % of the hand-labelled sample). */
export function ruleAppealType(title: string, content: string): RuleTypeResult {
  const { scores, cues } = scoreAppealType(title, content);
  // Ties go to the most common type first (投诉, then 咨询 …), the order of TIE_ORDER.
  const ranked = TIE_ORDER.map((t) => [t, scores[t]] as const).sort((a, b) => b[1] - a[1]);
  const [best, second] = ranked;
  if (best[1] === 0) return { type: '投诉', margin: 0, cues: [] };
  return { type: best[0], margin: best[1] - second[1], cues: cues.filter((c) => c.type === best[0]).map((c) => c.text) };
}
