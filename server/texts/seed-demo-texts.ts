import type { Runtime } from '../platform/runtime';
import { messageTemplates, textSnippets } from './tables';

/**
 * Demo texts: the notices the platform sends today, in the words of the built-in texts and with the
 * variables the senders fill in (texts/notice-texts.ts knownVariables), a few 常用语, and reply
 * templates for units.
 */
export async function seedTextsDemo(rt: Runtime) {
  await rt.db
    .insert(messageTemplates)
    .values([
      {
        code: 'verification_code',
        channel: 'sms',
        name: '短信验证码',
        body: '您的验证码为{code}，{minutes}分钟内有效。如非本人操作请忽略。',
        variables: ['code', 'minutes'],
      },
      {
        code: 'ticket_received',
        channel: 'sms',
        name: '受理告知',
        body: '您反映的诉求已受理，工单号{ticketNo}，可通过{link}查询进度。',
        variables: ['ticketNo', 'link'],
      },
      { code: 'ticket_replied', channel: 'sms', name: '办结告知', body: '您的工单{ticketNo}已答复办结，详情及评价：{link}', variables: ['ticketNo', 'link'] },
      { code: 'ticket_extended', channel: 'sms', name: '延期告知', body: '您的工单{ticketNo}办理期限已延长至{dueDate}。', variables: ['ticketNo', 'dueDate'] },
      { code: 'callback_link', channel: 'sms', name: '回访评价链接', body: '请对工单{ticketNo}的办理情况评价：{link}', variables: ['ticketNo', 'link'] },
      {
        code: 'knowledge_answer',
        channel: 'sms',
        name: '知识库答复',
        body: '您咨询的“{title}”：{answer}（12345热线，工单{ticketNo}）',
        variables: ['title', 'answer', 'ticketNo'],
      },
      { code: 'ticket_received', channel: 'wechat', name: '受理告知（微信）', body: '您的诉求已受理\n工单号：{ticketNo}', variables: ['ticketNo'] },
      {
        code: 'ticket_received',
        channel: 'mail',
        name: '受理告知（邮件）',
        subject: '您的诉求已受理',
        body: '您好，已收到您的诉求，工单号 {ticketNo}。办理结果将通过邮件告知您。直接回复本邮件可补充材料。',
        variables: ['ticketNo'],
      },
      {
        code: 'ticket_replied',
        channel: 'mail',
        name: '办结告知（邮件）',
        subject: '工单{ticketNo}已办结',
        body: '您好：\n\n您反映的诉求（工单号{ticketNo}）已办理完毕，答复如下：\n\n{replyText}\n\n12345政务服务便民热线',
        variables: ['ticketNo', 'replyText'],
      },
      {
        code: 'ticket_extended',
        channel: 'mail',
        name: '延期告知（邮件）',
        subject: '您的诉求办理期限已延长',
        body: '您好，工单号 {ticketNo} 的办理期限经批准延长至{dueDate}。',
        variables: ['ticketNo', 'dueDate'],
      },
    ])
    .onConflictDoNothing();
  await rt.db.insert(textSnippets).values([
    { kind: 'agent_phrase', title: '开场白', body: '您好，12345政务服务便民热线，请问有什么可以帮您？', sort: 1 },
    { kind: 'agent_phrase', title: '核实号码', body: '请问您现在拨打的号码是否方便联系您？', sort: 2 },
    { kind: 'agent_phrase', title: '受理告知', body: '您反映的问题我们已经记录，会转交相关部门办理，请留意短信通知。', sort: 3 },
    { kind: 'agent_phrase', title: '结束语', body: '感谢您的来电，祝您生活愉快，再见。', sort: 9 },
    { kind: 'unit_reply', title: '已处理完毕', body: '经核实，市民反映的问题属实。我单位已于{日期}安排人员现场处理，问题已解决，并已电话告知市民。', sort: 1 },
    { kind: 'unit_reply', title: '不属实', body: '经现场核查，市民反映的情况与实际不符。我单位已与市民电话沟通并作解释，市民表示理解。', sort: 2 },
    { kind: 'unit_reply', title: '纳入计划', body: '市民反映的问题已纳入我单位年度工作计划，预计于{日期}前完成，届时将告知市民。', sort: 3 },
  ]);
}
