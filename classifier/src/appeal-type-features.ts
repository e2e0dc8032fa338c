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
