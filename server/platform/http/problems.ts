/**
 * Typed problem+json errors (RFC 9457). A closed set of codes, each with its status and a
 * message in Chinese and English, so the console can show the server's words as they are.
 */
export const PROBLEMS = {
  VALIDATION_FAILED: { status: 400, zh: '提交的内容有误，请检查后重试', en: 'The request is not valid' },
  BAD_JSON: { status: 400, zh: '请求格式不是有效的 JSON', en: 'The request body is not valid JSON' },
  UNAUTHENTICATED: { status: 401, zh: '请先登录', en: 'Please log in' },
  LOGIN_FAILED: { status: 401, zh: '用户名或密码错误，或账号已临时锁定', en: 'Wrong username or password, or the account is locked for a while' },
  MFA_REQUIRED: { status: 401, zh: '请先完成两步验证', en: 'Complete two-step verification first' },
  MFA_CODE_INVALID: { status: 400, zh: '动态验证码或恢复码不正确', en: 'The authenticator or recovery code is not right' },
  MFA_NOT_PENDING: { status: 409, zh: '没有待确认的两步验证绑定，请重新开始', en: 'No two-step enrolment is waiting; start again' },
  SESSION_NOT_FOUND: { status: 404, zh: '会话不存在或已结束', en: 'Session not found or already ended' },
  CSRF_FAILED: { status: 403, zh: '安全校验失败，请刷新页面后重试', en: 'Security check failed; reload the page and retry' },
  FORBIDDEN: { status: 403, zh: '您没有权限执行此操作', en: 'You are not allowed to do this' },
  NOT_FOUND: { status: 404, zh: '请求的资源不存在', en: 'Not found' },
  TICKET_NOT_FOUND: { status: 404, zh: '工单不存在', en: 'Ticket not found' },
  // console-daily: a reply's contact fields (dispatch/use-cases/unit-handling.ts)
  REPLY_CONTACT_INVALID: {
    status: 400,
    zh: '联系市民的时间有误：联系过市民须填写联系时间，且不能早于受理、不能晚于现在',
    en: 'The contact time is not right: give it when the citizen was contacted, after the appeal came in and not in the future',
  },
  // console-daily: a knowledge answer by SMS needs the caller's mobile (knowledge/answer-sms.ts)
  ANSWER_SMS_NO_MOBILE: { status: 409, zh: '来电人没有可接收短信的手机号码', en: 'The caller has no mobile number to text' },
  // console-daily: the tracking code (citizen/track-code.ts) refused in words, not with its pattern
  TRACK_CODE_MALFORMED: {
    status: 400,
    zh: '查询码应为 10 位字母或数字（如 7K2M9-QXD4R），请核对回执后重新输入',
    en: 'A tracking code has 10 letters or digits (like 7K2M9-QXD4R); check the receipt and type it again',
  },
  UNIT_NOT_FOUND: { status: 404, zh: '承办单位不存在', en: 'Handling unit not found' },
  CATEGORY_NOT_FOUND: { status: 404, zh: '诉求分类不存在', en: 'Category not found' },
  REGION_NOT_FOUND: { status: 404, zh: '行政区划不存在', en: 'Region not found' },
  TICKET_STATE_CONFLICT: { status: 409, zh: '工单状态已变化，请刷新后重试', en: 'The ticket is not in a state that allows this; refresh and retry' },
  UNKNOWN_ACTION: { status: 404, zh: '不支持的工单操作', en: 'Unknown ticket action' },
  MERGE_TARGET_INVALID: { status: 409, zh: '只能并入另一张未办结的工单', en: 'A ticket can only be merged into another open ticket' },
  ID_NUMBER_INVALID: { status: 400, zh: '身份证号码校验不通过', en: 'The ID number is not valid' },
  CREDIT_CODE_INVALID: { status: 400, zh: '统一社会信用代码校验不通过', en: 'The unified social credit code is not valid' },
  PHONE_INVALID: { status: 400, zh: '手机号码格式不正确', en: 'The mobile number is not valid' },
  SMS_CODE_INVALID: { status: 400, zh: '短信验证码错误或已过期', en: 'The SMS code is wrong or has expired' },
  // The public API /api/v1 (channels.md §3, §4.3) answers a wrong SMS code or captcha with 401.
  CODE_INVALID: { status: 401, zh: '短信验证码错误、已过期或已失效，请重新获取', en: 'The SMS code or token is wrong, expired or used up; request a new one' },
  CAPTCHA_INVALID: { status: 401, zh: '图形验证码错误或已过期，请换一张重试', en: 'The captcha answer is wrong or expired; get a new one' },
  IDEMPOTENCY_KEY_REUSED: {
    status: 409,
    zh: '该幂等键已超过 24 小时，请为新的诉求使用新的键',
    en: 'This Idempotency-Key is older than 24 hours; use a new key for a new appeal',
  },
  CAPTCHA_REQUIRED: { status: 428, zh: '请先完成图形验证', en: 'Solve the CAPTCHA first' },
  CAPTCHA_FAILED: { status: 400, zh: '图形验证未通过，请重试', en: 'The CAPTCHA was not solved; try again' },
  RATE_LIMITED: { status: 429, zh: '操作过于频繁，请稍后再试', en: 'Too many requests; try again later' },
  PAYLOAD_TOO_LARGE: { status: 413, zh: '提交的内容过大', en: 'The request body is too large' },
  UNSUPPORTED_MEDIA_TYPE: { status: 415, zh: '请以 JSON 格式提交', en: 'Send the body as JSON' },
  UNSUPPORTED_MEDIA: {
    status: 415,
    zh: '不支持的文件类型（仅限图片、音频、视频和 PDF）',
    en: 'This file type is not accepted (images, audio, video and PDF only)',
  },
  ATTACHMENT_NOT_FOUND: { status: 404, zh: '附件不存在', en: 'Attachment not found' },
  ATTACHMENT_INVALID: { status: 400, zh: '附件无效，或不是为本工单上传的', en: 'The attachment is unknown or was not uploaded for this ticket' },
  RETURN_WINDOW_CLOSED: { status: 409, zh: '已超过退单时限，不能退单', en: 'The return window has closed' },
  EXTENSION_LIMIT_REACHED: { status: 409, zh: '延期次数已达上限', en: 'No more extensions are allowed for this ticket' },
  EXTENSION_TOO_LATE: { status: 409, zh: '延期申请须在办理期限届满前提出', en: 'An extension must be requested before the deadline' },
  EXTENSION_DATE_INVALID: { status: 400, zh: '延期后的期限须晚于原期限', en: 'The new due date must be after the current one' },
  RECALL_AFTER_SIGN_NEEDS_WRONG_DISPATCH: {
    status: 422,
    zh: '单位已签收，只有派错单位时才能撤回或改派',
    en: 'The unit has signed for it: recall or reassign only a wrong dispatch',
  },
  ASSISTING_UNITS_PENDING: {
    status: 422,
    zh: '协办单位尚未反馈，请说明提前答复的理由',
    en: 'Assisting units have not reported yet: give a reason to reply before them',
  },
  // Time limits and supervision (loop-limits, issue 15 items 5–8)
  EXTENSION_DATE_NOT_WORKING_DAY: {
    status: 422,
    zh: '延期日期不是工作日，请改选下一个工作日',
    en: 'The new due date is not a working day; pick the next working day',
  },
  EXTENSION_BEYOND_MAXIMUM: { status: 422, zh: '延期日期超过办理时限规定的最长期限', en: 'The new due date is later than the time-limit policy allows' },
  SUPERVISION_CASE_NOT_FOUND: { status: 404, zh: '督办（催办）记录不存在', en: 'Supervision case not found' },
  SUPERVISION_CASE_STATE_CONFLICT: {
    status: 409,
    zh: '督办（催办）状态已变化，请刷新后重试',
    en: 'The supervision case is not in a state that allows this; refresh and retry',
  },
  NO_OPEN_DISPATCH: {
    status: 409,
    zh: '工单当前没有承办单位在办，不能督办或催办',
    en: 'No unit is handling this ticket now, so there is no one to urge or supervise',
  },
  NOT_LEAD_UNIT: { status: 403, zh: '只有主办单位可以答复工单', en: 'Only the lead unit can reply' },
  CALENDAR_YEAR_MISSING: { status: 422, zh: '节假日日历缺少所需年份，请管理员先录入', en: 'The holiday calendar has no data for the required year' },
  SLA_POLICY_MISSING: { status: 422, zh: '没有适用的办理时限策略', en: 'No time-limit policy applies' },
  CALLBACK_NOT_FOUND: { status: 404, zh: '回访任务不存在', en: 'Callback task not found' },
  CALLBACK_ALREADY_DONE: { status: 409, zh: '该回访任务已完成', en: 'This callback has already been recorded' },
  MASKED_CALL_UNAVAILABLE: {
    status: 503,
    zh: '隐私号通话暂未开通，请联系热线中心代为联系诉求人',
    en: 'Masked-number calls are not set up: ask the hotline centre to contact the citizen',
  },
  CITIZEN_NO_PHONE: { status: 409, zh: '诉求人未留电话，无法通话', en: 'The citizen left no phone number to call' },
  CALLBACK_SUPERSEDED: {
    status: 409,
    zh: '工单已重办，该回访任务已失效，请在新一轮办结后回访',
    en: 'The ticket was reopened: this callback no longer applies; call back after the new round closes',
  },
  CALLBACK_DECISION_REQUIRED: {
    status: 422,
    zh: '诉求人不满意：请选择重办或说明理由后办结',
    en: 'The citizen is dissatisfied: choose reopen, or close with a reason',
  },
  TICKET_NOT_CLOSED: { status: 409, zh: '工单尚未办结，不能评价', en: 'Only a closed ticket can be rated' },
  // The citizen's side of the loop (issue 15, items 12-15)
  CATEGORY_TABLE_INVALID: { status: 400, zh: '分类表有误，请按提示修改后重新导入', en: 'The category table has errors; fix the rows named and import again' },
  TAG_NOT_FOUND: { status: 404, zh: '标签不存在或已停用', en: 'Tag not found or no longer in use' },
  CALLBACK_PENDING: { status: 409, zh: '回访尚未完成，回访完成或逾期后才能归档', en: 'The callback is still open: archive after it is done or past its limit' },
  RATING_ALREADY_SUBMITTED: { status: 409, zh: '该工单已评价，不能重复评价', en: 'This ticket has already been rated' },
  EXCHANGE_PEER_UNKNOWN: { status: 404, zh: '未配置该对接平台', en: 'No such exchange peer is configured' },
  EXCHANGE_STATE_CONFLICT: { status: 409, zh: '对接工单当前状态不允许此操作', en: 'The exchanged order is not in a state that allows this' },
  RECTIFICATION_NOT_FOUND: { status: 404, zh: '差评整改记录不存在', en: 'Rectification case not found' },
  RECTIFICATION_STATE_CONFLICT: {
    status: 409,
    zh: '整改状态已变化，请刷新后重试',
    en: 'The rectification is not in a state that allows this; refresh and retry',
  },
  ARTICLE_NOT_FOUND: { status: 404, zh: '知识库文章不存在', en: 'Knowledge article not found' },
  MEASURE_NOT_FOUND: { status: 404, zh: '统计指标不存在', en: 'Measure not found' },
  MEASURE_INVALID: { status: 400, zh: '指标公式引用了不存在的计数项', en: 'The formula refers to an unknown counter' },
  REPORT_CROSS_UNSUPPORTED: { status: 400, zh: '不支持该交叉维度组合', en: 'This pair of report dimensions is not kept' },
  HOTLINE_LINE_NOT_FOUND: { status: 404, zh: '热线号码不存在', en: 'No such hotline number' },
  HOTLINE_LINE_INVALID: { status: 400, zh: '热线号码表有误，请按提示修改后重新导入', en: 'The hotline table has errors; fix the rows named and import again' },
  LINKAGE_NOT_FOUND: { status: 404, zh: '应急联动记录不存在', en: 'Emergency linkage not found' },
  LINKAGE_STATE_CONFLICT: { status: 409, zh: '应急联动记录状态已变化，请刷新后重试', en: 'The linkage is not in a state that allows this; refresh and retry' },
  // Administration screens (units, users, dispatch-rule tester)
  UNIT_CODE_TAKEN: { status: 409, zh: '单位编码已被使用', en: 'This unit code is already in use' },
  UNIT_PARENT_INVALID: { status: 400, zh: '上级单位无效（不存在、已停用，或会形成循环）', en: 'The parent unit is unknown, inactive, or would make a loop' },
  UNIT_IN_USE: {
    status: 409,
    zh: '该单位仍是派单规则的主办单位或有在用下级单位，不能停用',
    en: 'The unit still leads dispatch rules or has active child units; it cannot be deactivated',
  },
  USER_NOT_FOUND: { status: 404, zh: '用户不存在', en: 'User not found' },
  USERNAME_TAKEN: { status: 409, zh: '用户名已被使用', en: 'This username is already in use' },
  EXTENSION_TAKEN: { status: 409, zh: '分机号已被其他坐席使用', en: 'This phone extension belongs to another user' },
  USER_UNIT_REQUIRED: { status: 400, zh: '承办单位账号必须选择所属单位', en: 'A unit clerk must belong to a unit' },
  RULE_EXISTS: { status: 409, zh: '该分类和区域已有派单规则，请编辑原规则', en: 'A rule for this category and region exists; edit it instead' },
  TEMPLATE_EXISTS: { status: 409, zh: '该通知代码在此渠道已有模板，请编辑原模板', en: 'A template with this code exists for this channel; edit it instead' },
  TEMPLATE_VARIABLE_UNDECLARED: { status: 400, zh: '模板使用了未声明的变量', en: 'The template uses variables it does not declare' },
  TEMPLATE_VARIABLE_UNKNOWN: {
    status: 400,
    zh: '模板使用了该通知不提供的变量，请只使用列出的变量',
    en: 'The template uses a variable this notice does not fill in; use only the variables listed',
  },
  TEMPLATE_SYNTAX: { status: 400, zh: '模板中的花括号不成对，变量应写作 {变量名}', en: 'Unbalanced braces in the template; write a variable as {name}' },
  TEMPLATE_TOO_LONG: { status: 400, zh: '模板正文超过该渠道的长度上限', en: 'The text is longer than this channel allows' },
  TEMPLATE_SUBJECT_REQUIRED: { status: 400, zh: '邮件模板须填写主题', en: 'A mail template needs a subject' },
  CANNOT_CHANGE_SELF: { status: 409, zh: '不能停用自己的账号或更改自己的角色', en: 'You cannot disable your own account or change your own role' },
  SERVICE_UNAVAILABLE: { status: 503, zh: '服务暂时不可用，请稍后重试', en: 'The service is temporarily unavailable; retry shortly' },
  INTERNAL: { status: 500, zh: '系统内部错误', en: 'Internal error' },
} as const satisfies Record<string, { status: number; zh: string; en: string }>;

export type ProblemCode = keyof typeof PROBLEMS;

export class Problem extends Error {
  readonly status: number;
  constructor(
    readonly code: ProblemCode,
    readonly detail?: string,
    readonly extensions: Record<string, unknown> = {},
  ) {
    super(detail ?? code);
    this.status = PROBLEMS[code].status;
  }
}

export const problem = (code: ProblemCode, detail?: string, extensions?: Record<string, unknown>) => new Problem(code, detail, extensions);

export function problemBody(p: Problem, lang: 'zh' | 'en', requestId?: string) {
  const def = PROBLEMS[p.code];
  const message = def[lang];
  return {
    type: `urn:rexian:problem:${p.code.toLowerCase().replace(/_/g, '-')}`,
    status: def.status,
    code: p.code,
    title: message,
    message,
    ...(p.detail ? { detail: p.detail } : {}),
    ...(requestId ? { requestId } : {}),
    ...p.extensions,
  };
}
