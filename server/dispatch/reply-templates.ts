import type { Ctx } from '../platform/context';
import { listSnippets } from '../texts/use-cases/snippets';

/**
 * Reply templates (答复模板) a unit clerk starts a reply from: the usual shapes of a good 12345 reply
 * (what was found, what was done, whether and when the citizen was told), one per outcome. The built-in
 * ones carry their 办理结果; the ones the centre's administrator keeps on /admin (text snippets of kind
 * `unit_reply`) follow them with no outcome, so the clerk picks the outcome.
 */
export interface ReplyTemplate {
  id: string;
  outcome: 'resolved' | 'partly_resolved' | 'explained' | null;
  title: string;
  text: string;
}

export const REPLY_TEMPLATES: readonly ReplyTemplate[] = [
  {
    id: 'resolved-onsite',
    outcome: 'resolved',
    title: '现场核查并已处理',
    text: '经核查，市民反映的情况属实。我单位已于【日期】安排工作人员到现场处理，现已【处理结果】。已电话联系市民告知处理情况，市民表示认可。',
  },
  {
    id: 'resolved-rectified',
    outcome: 'resolved',
    title: '责令整改已完成',
    text: '经核查，【对象】存在市民反映的问题。我单位已责令其限期整改，并于【日期】复查，整改已完成。已将处理结果告知市民。',
  },
  {
    id: 'partly-ongoing',
    outcome: 'partly_resolved',
    title: '已部分处理，后续跟进',
    text: '经核查，我单位已就【事项】采取【措施】，问题已部分解决。剩余【事项】需【原因】，预计于【日期】前完成，届时将再次告知市民。',
  },
  {
    id: 'explained-policy',
    outcome: 'explained',
    title: '不符合条件，已解释政策',
    text: '经核查，市民诉求涉及【政策名称】。根据【依据条款】，该诉求暂不符合办理条件。我单位已电话联系市民，解释相关政策及可选择的途径，市民表示理解。',
  },
  {
    id: 'explained-not-found',
    outcome: 'explained',
    title: '现场未发现问题',
    text: '我单位于【日期】到现场核查，未发现市民反映的问题。已电话联系市民说明核查情况，并告知如问题再次出现可随时反映。',
  },
];

/** What the unit's reply form offers: the built-in shapes, then the administrator's templates in use. */
export async function replyTemplatesForUnits(ctx: Ctx): Promise<ReplyTemplate[]> {
  const kept = await listSnippets(ctx, 'unit_reply', true);
  return [...REPLY_TEMPLATES, ...kept.map((x) => ({ id: x.id, outcome: null, title: x.title, text: x.body }))];
}
