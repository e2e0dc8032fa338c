import type { z } from 'zod';
import type { Ctx } from '../platform/context';
import type { TicketAction } from './states';
import * as intake from './use-cases/intake-dispositions';
import * as review from './use-cases/review-reply';
import { dispatchTicket, DispatchTicketInput } from '../dispatch/use-cases/dispatch-ticket';
import * as unit from '../dispatch/use-cases/unit-handling';
import * as centre from '../dispatch/use-cases/centre-review';
import * as recall from '../dispatch/use-cases/recall-reassign';

interface ActionHandler {
  input: z.ZodType;
  run: (ctx: Ctx, ticketId: string, input: never) => Promise<unknown>;
}

/** Every transition's body schema and use case, keyed by the action name of the state table. */
export const ACTION_HANDLERS: Record<TicketAction, ActionHandler> = {
  'answer-directly': { input: intake.AnswerDirectlyInput, run: intake.answerDirectly },
  'close-direct': { input: intake.CloseDirectInput, run: intake.closeDirect },
  'transfer-emergency': { input: intake.TransferEmergencyInput, run: intake.transferEmergency },
  decline: { input: intake.DeclineInput, run: intake.declineTicket },
  merge: { input: intake.MergeInput, run: intake.mergeTicket },
  submit: { input: intake.SubmitInput, run: intake.submitTicket },
  dispatch: { input: DispatchTicketInput, run: dispatchTicket },
  sign: { input: unit.SignInput, run: unit.signForTicket },
  start: { input: unit.StartInput, run: unit.startHandling },
  'request-return': { input: unit.RequestReturnInput, run: unit.requestReturn },
  'approve-return': { input: centre.ApproveReturnInput, run: centre.approveReturn },
  'reject-return': { input: centre.RejectReturnInput, run: centre.rejectReturn },
  'request-extension': { input: unit.RequestExtensionInput, run: unit.requestExtension },
  'approve-extension': { input: centre.ApproveExtensionInput, run: centre.approveExtension },
  'deny-extension': { input: centre.DenyExtensionInput, run: centre.denyExtension },
  reply: { input: unit.ReplyInput, run: unit.replyTicket },
  'accept-reply': { input: review.AcceptReplyInput, run: review.acceptReply },
  'send-back': { input: review.SendBackInput, run: review.sendBackReply },
  reopen: { input: review.ReopenInput, run: review.reopenTicket },
  archive: { input: review.ArchiveInput, run: review.archiveTicket },
  reassign: { input: recall.ReassignInput, run: recall.reassignTicket },
  recall: { input: recall.RecallInput, run: recall.recallTicket },
};
