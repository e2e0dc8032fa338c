import { TicketPage } from '../../tickets/TicketPage';
import { ContactCitizen } from './ContactCitizen';

/** A dispatched ticket as the clerk works it, with 先联系后办理 beside it; a chunk of its own (see UnitApp). */
export default function UnitTicketPage() {
  return <TicketPage backTo="/unit" aside={(ticket) => <ContactCitizen ticket={ticket} />} />;
}
