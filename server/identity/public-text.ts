/**
 * Text that leaves the centre (Open311 reads, the public 好差评 page): every personal detail is
 * replaced by a label, not half-masked. A unit clerk may see `139****3927` to recognise a caller;
 * the public must not be able to narrow a number down, so here nothing of it stays.
 *
 * The spans come from the classifier's PII extraction (mobile, landline, ID number, household
 * address); on top of it this catches what a citizen types to dodge a filter or what the extractor
 * does not look for: digits split by spaces, dots or dashes, `+86`, names before 先生/女士/老师…,
 * names after 我叫/联系人, housing-estate names, and the caller's own name when we know it.
 * Recall over precision (as in the extractor): masking a harmless date costs little.
 */
import { extractPii, type PiiKind } from '@rexian/classifier/src/pii';

const LABEL: Record<PiiKind, string> = { mobile: '【电话】', landline: '【电话】', idNumber: '【证件号】', address: '【地址】' };

// The most common Chinese surnames (single and compound), enough to tell "王老师" from "这位老师".
const COMPOUND_SURNAMES = '欧阳|司马|上官|诸葛|东方|皇甫|尉迟|公孙|慕容|长孙|宇文|司徒|夏侯|令狐|端木|南宫|西门|独孤';
const SURNAMES =
  '王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤常温康施文牛樊葛邢安齐易乔伍庞颜倪庄聂章鲁岳翟殷詹申欧耿关兰焦俞左柳甘祝包宁尚符舒阮纪梅童凌毕单季裴霍涂成苗谷盛曲翁冉骆蓝路游辛靳管柴蒙鲍华喻祁蒲房滕屈饶解牟艾尤阳时穆农司卓古吉缪简车项连芦麦褚娄窦戚岑景党宫费卜冷晏席卫米柏宗瞿桂全佟应臧闵苟邬边卞姬师和仇栾隋商刁沙荣巫寇桑郎甄丛仲虞敖巩明佘池查麻苑迟邝';
const SURNAME = `(?:${COMPOUND_SURNAMES}|[${SURNAMES}])`;
const TITLES = '先生|女士|小姐|老师|师傅|阿姨|大爷|大妈|大姐|大哥|同志|经理|主任|书记|科长|处长|局长|队长|警官|医生|律师|老板';

const PATTERNS: [RegExp, string][] = [
  // The room after an address the extractor cut short ("…3栋】1204房"), and rooms on their own.
  [/【地址】[0-9０-９A-Za-z-]{1,6}(?:室|房|号|楼|层)?/g, '【地址】'],
  [/[0-9０-９A-Za-z-]{1,6}(?:室|房|号楼|单元|栋|幢)(?:[0-9０-９A-Za-z-]{1,6}(?:室|房|号|楼|层))*/g, '【地址】'],
  // Digits with separators a filter does not expect: "139 1234 3927", "139.1234.3927", "0 2 0-8888 6666".
  [/(?:\+?\s?8\s?6[\s\-.·]*)?(?:[0-9０-９][\s\-.·_/]*){6,}[0-9０-９Xx]/g, '【号码】'],
  // A name after the words that introduce one.
  [new RegExp(`((?:我叫|我是|本人|姓名|名字|联系人|来电人|反映人|投诉人|举报人|署名)[:：是为\\s]{0,2})${SURNAME}[\\u4e00-\\u9fa5]{1,2}`, 'g'), '$1**'],
  // Housing estates and buildings name a handful of households.
  [/[\u4e00-\u9fa5A-Za-z0-9]{2,10}?(?:小区|花园|家园|公寓|大厦|新村|宿舍|山庄|华庭|名苑|苑)/g, '【地址】'],
];

/** `knownNames`: the caller's own name (decrypted by the caller of this function), masked wherever it appears. */
export function redactForPublic(text: string | null | undefined, knownNames: (string | null | undefined)[] = []): string {
  if (!text) return '';
  let out = '';
  let at = 0;
  for (const s of extractPii(text)) {
    out += text.slice(at, s.start) + LABEL[s.kind];
    at = s.end;
  }
  out += text.slice(at);
  for (const name of knownNames) {
    const n = name?.trim();
    if (n && n.length >= 2) out = out.split(n).join('**');
  }
  for (const [re, to] of PATTERNS) out = out.replace(re, to);
  return out.replace(BEFORE_TITLE, maskNameBeforeTitle);
}

// Up to three characters before a form of address: 王老师, 欧阳先生, 张晓明女士.
const BEFORE_TITLE = new RegExp(`[\\u4e00-\\u9fa5]{1,3}(?=${TITLES})`, 'g');
// Words that end a sentence part rather than begin a name ("感谢王老师", "和欧阳先生", "这位先生").
const NOT_NAME = /[感谢和与及对向给请找是的了位问跟让被把说那这其各该位名]/;
const STARTS_WITH_SURNAME = new RegExp(`^${SURNAME}`);

function maskNameBeforeTitle(chunk: string): string {
  let cut = 0;
  for (let i = 0; i < chunk.length; i++) if (NOT_NAME.test(chunk[i])) cut = i + 1;
  const name = chunk.slice(cut);
  return name && STARTS_WITH_SURNAME.test(name) ? chunk.slice(0, cut) + '*' : chunk;
}
