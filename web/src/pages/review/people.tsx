import { createContext, useContext, type ReactNode } from 'react';
import { useSession } from '../../session';
import { useFetched } from './use-fetched';

/** An account as colleagues see it (GET /api/v1/people). */
interface Person {
  id: string;
  displayName: string;
  credentials?: string;
}

const PeopleContext = createContext<Map<string, Person>>(new Map());

/** Loads the names once for the whole workspace; until they arrive, ids are shown. */
export function PeopleProvider({ children }: { children: ReactNode }) {
  const people = useFetched<{ people: Person[] }>('/api/v1/people');
  const byId = new Map((people.data?.people ?? []).map((p) => [p.id, p]));
  return <PeopleContext.Provider value={byId}>{children}</PeopleContext.Provider>;
}

/** A person's display name (with credentials when they have some, and "you" for oneself), or the id. */
export function PersonName({ id }: { id: string }) {
  const person = useContext(PeopleContext).get(id);
  const me = useSession().account?.id === id;
  const name = person ? `${person.displayName}${person.credentials ? `, ${person.credentials}` : ''}` : id;
  return <span title={person ? `account ${id}` : undefined}>{me ? `${name} (you)` : name}</span>;
}
