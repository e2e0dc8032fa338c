/**
 * Dense features for the appeal-type model (诉求类型), beside the TF-IDF character n-grams it
 * shares with the category model. The n-gram tokenizer drops punctuation, so it cannot see a
 * question mark; and whether the writer speaks for themself (我/本人) or points at others
 * (有人/该公司/举报人) is spread over the whole text. These few features carry what the
 * labelling guide (classifier/docs/appeal-type-guide.md) decides on: the main ask, sentence-final
 * questions vs rhetorical ones, who is affected.
 *
 * Every value is in [0, 1] (counts are squashed), so no feature's scale dominates the
 * regularised linear model by accident.
 */
import { APPEAL_TYPES, scoreAppealType, type AppealType } from './rules/appeal-type.js';

export const DENSE_FEATURES = [
  ...APPEAL_TYPES.map((t) => `rule:${t}`),
  'title:question-mark',
  'title:ends-question',
  'title:asks', // 请问/咨询/是否/能否… in the title
  'title:proposes', // 建议/希望/呼吁/请求…增设
  'title:thanks',
  'title:reports', // 举报/实名/查处
  'body:question-marks',
  'body:ends-question',
  'body:rhetorical', // 为什么/为何/凭什么/难道/还有没有
  'body:first-person',
  'body:third-party',
  'body:thanks-start',
  'body:length',
] as const;

const TITLE_ASKS = /请问|咨询|想问|是否|能否|可否|能不能|可不可以|如何|怎么|怎样|什么时候|何时|多少|哪些|哪里|吗|么/;
const TITLE_PROPOSES = /建议|倡议|呼吁|希望|请求.{0,8}(增|建|设|开通|延长|修|改)|恳请.{0,8}(增|建|设|开通)|增设|增开|开通|加装/;
const TITLE_THANKS = /感谢|表扬|点赞|致谢|锦旗|赞扬/;
const TITLE_REPORTS = /举报|实名|查处|严查|彻查|取缔|非法|违法|违规|传销|诈骗|无证/;
const RHETORICAL = /为什么|为何|凭什么|难道|怎能|怎么能|何时休|谁来管|还有没有|有没有人管|天理何在|何在/g;
const FIRST_PERSON = /我|本人|我们|我家|业主|家长/g;
const THIRD_PARTY = /有人|该公司|该店|老板|举报人|该厂|此人|他们|其/g;
const THANKS_START = /^.{0,20}(感谢|表扬|致谢|点赞)/;

const squash = (n: number, scale: number) => n / (n + scale);

/** `title`, `content`: text after normalizeText (full-width ？ is already `?`). `ruleScores`:
 * scoreAppealType's scores when the caller has them already (the pipeline computes them once). */
export function denseTypeFeatures(
  title: string,
  content: string,
  ruleScores: Record<AppealType, number> = scoreAppealType(title, content).scores,
): Float32Array {
  const f = new Float32Array(DENSE_FEATURES.length);
  const scores = ruleScores;
  let k = 0;
  for (const t of APPEAL_TYPES) f[k++] = squash(scores[t], 4);
  const t = title.trim();
  f[k++] = t.includes('?') ? 1 : 0;
  f[k++] = /[?吗呢么]\s*$/.test(t) ? 1 : 0;
  f[k++] = TITLE_ASKS.test(t) ? 1 : 0;
  f[k++] = TITLE_PROPOSES.test(t) ? 1 : 0;
  f[k++] = TITLE_THANKS.test(t) ? 1 : 0;
  f[k++] = TITLE_REPORTS.test(t) ? 1 : 0;
  const body = content.length > 1200 ? content.slice(0, 800) + content.slice(-400) : content;
  f[k++] = squash(count(body, /\?/g), 2);
  f[k++] = /[?吗呢]\s*[!.。！]*\s*$/.test(content.slice(-40)) ? 1 : 0;
  f[k++] = squash(count(body, RHETORICAL), 1.5);
  f[k++] = squash(count(body, FIRST_PERSON), 3);
  f[k++] = squash(count(body, THIRD_PARTY), 3);
  f[k++] = THANKS_START.test(content) ? 1 : 0;
  f[k] = squash(content.length, 300);
  return f;
}

function count(text: string, re: RegExp): number {
  let n = 0;
  re.lastIndex = 0;
  while (re.exec(text)) n++;
  return n;
}

/**
 * Cue words of the labelling guide's boundaries (docs/appeal-type-guide.md), measured as extra
 * dense features beside the ones above (`npm run classifier:train-appeal-type -- --cues`). They
 * are not part of the shipped model; README "Appeal type" has the figures.
 */
export const GUIDE_CUE_FEATURES = [
  'cue:final-particle', // the title or the body's last sentence ends in 吗/呢/么/? (咨询)
  'cue:asks-info', // 请问/想咨询/想了解/如何办理/需要什么/在哪里 in the body (咨询)
  'cue:violation', // 违法/违规/偷排/偷税/非法/无证/传销/虚报/冒领/套取/有偿补课/擅自 (举报)
  'cue:report-word', // 举报/实名 in the body (举报)
  'cue:investigate', // 请…查处/调查/查一下/严查/取缔 (举报)
  'cue:victim', // harm reaching the writer: 拖欠…工资, 扰民, 影响…休息/生活, 退款/退钱 (投诉)
  'cue:help', // 请帮/帮帮/求助/能否安排/能否帮/救助/走投无路/生活困难 (求助)
  'cue:proposes', // 建议/希望…增设/开通/安装/设立, 能否考虑 (建议)
  'cue:praise', // 感谢…帮助/民警/医生/老师, 点赞, 锦旗, 表扬 in the body, not a closing 谢谢 (表扬)
  'cue:final-ask-act', // the last sentence asks to 解决/处理/整治/查处 (投诉/举报)
] as const;

const CUE_FINAL_PARTICLE = /[?吗呢么]\s*[!.。！]*\s*$/;
const CUE_ASKS_INFO = /请问|想咨询|咨询一下|想了解|如何办理|怎么办理|需要什么|需要哪些|在哪里|在哪儿|能不能办|是否可以|可以吗/g;
const CUE_VIOLATION = /违法|违规|偷排|偷税|漏税|非法|无证|传销|虚报|冒领|套取|贪污|受贿|有偿补课|擅自|私自|违建|乱排/g;
const CUE_REPORT = /举报|实名/g;
const CUE_INVESTIGATE = /(请|希望|恳请|要求).{0,10}(查处|调查|查一下|严查|彻查|取缔|依法处理)/g;
const CUE_VICTIM = /拖欠.{0,6}工资|欠.{0,4}工资|扰民|影响.{0,8}(休息|生活|睡眠|出行)|退款|退钱|退还|赔偿|维权/g;
const CUE_HELP = /请帮|帮帮|帮忙|求助|能否安排|能否帮|救助|走投无路|生活困难|家庭困难|无力|求求/g;
const CUE_PROPOSES = /建议|(希望|恳请|请求).{0,10}(增设|开通|安装|设立|修建|增加|设置)|能否考虑|可否考虑|呼吁/g;
const CUE_PRAISE = /感谢.{0,12}(帮助|帮忙|民警|医生|老师|工作人员|同志)|点赞|锦旗|表扬|赞扬/g;
const CUE_FINAL_ACT = /解决|处理|整治|查处|取缔|整改|督促/;

/** `title`, `content` after normalizeText, as denseTypeFeatures. */
export function guideCueFeatures(title: string, content: string): Float32Array {
  const f = new Float32Array(GUIDE_CUE_FEATURES.length);
  const body = content.length > 1200 ? content.slice(0, 800) + content.slice(-400) : content;
  const sentences = content.split(/[。！!；;\n]/).filter((s) => s.trim());
  const last = sentences.length ? sentences[sentences.length - 1] : '';
  const both = `${title}\n${body}`;
  let k = 0;
  f[k++] = CUE_FINAL_PARTICLE.test(title.trim()) || CUE_FINAL_PARTICLE.test(last.trim()) ? 1 : 0;
  f[k++] = squash(count(both, CUE_ASKS_INFO), 1);
  f[k++] = squash(count(both, CUE_VIOLATION), 1.5);
  f[k++] = squash(count(body, CUE_REPORT), 1);
  f[k++] = squash(count(both, CUE_INVESTIGATE), 1);
  f[k++] = squash(count(both, CUE_VICTIM), 1);
  f[k++] = squash(count(both, CUE_HELP), 1);
  f[k++] = squash(count(both, CUE_PROPOSES), 1);
  f[k++] = squash(count(both, CUE_PRAISE), 1);
  f[k] = CUE_FINAL_ACT.test(last) ? 1 : 0;
  return f;
}
